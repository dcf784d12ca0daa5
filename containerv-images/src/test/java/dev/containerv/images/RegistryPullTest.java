package dev.containerv.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls from a small OCI distribution server on loopback that serves an OCI layout the test wrote, behind a
 * Bearer-token challenge, with a multi-platform index at the top.
 */
class RegistryPullTest {
    static final String TOKEN = "t0ken";
    @TempDir
    Path tmp;
    HttpServer server;
    Path layout;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> layerBlobs = new CopyOnWriteArrayList<>();
    volatile boolean requireToken = true;
    volatile String requireBasic;
    /** When set, each layer blob answers only once this many layer requests are in flight at once. */
    volatile CountDownLatch layersTogether;
    volatile long togetherSeconds = 10;
    ExecutorService handlers;
    /** When set, layer blobs answer 307 to this storage server, which records the Authorization it is sent. */
    volatile HttpServer storage;
    final List<String> storageAuthorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        layout = tmp.resolve("layout");
        byte[] manifest = Fixtures.ociLayout(layout, "1", List.of(ImageStoreTest.BASE, ImageStoreTest.APP),
                Fixtures.config(List.of(ImageStoreTest.BASE, ImageStoreTest.APP), List.of("/app/run.sh"), List.of(), "/"));
        // An index with a foreign platform first and this host's second.
        ObjectNode index = Fixtures.JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        var manifests = index.putArray("manifests");
        ObjectNode other = Fixtures.descriptor("application/vnd.oci.image.manifest.v1+json",
                Digest.of(new byte[] {1}), 1);
        other.putObject("platform").put("os", "linux").put("architecture", "s390x-not-this-host");
        manifests.add(other);
        ObjectNode mine = Fixtures.descriptor("application/vnd.oci.image.manifest.v1+json", Digest.of(manifest),
                manifest.length);
        String arch = switch (System.getProperty("os.arch")) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
        mine.putObject("platform").put("os", "linux").put("architecture", arch);
        manifests.add(mine);
        for (byte[] layer : List.of(ImageStoreTest.BASE, ImageStoreTest.APP)) {
            layerBlobs.add(Digest.of(Fixtures.gzip(layer)).hex());
        }
        byte[] indexBytes = Fixtures.bytes(index);
        Fixtures.writeBlob(layout, indexBytes);

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/token", ex -> {
            requests.add("token " + ex.getRequestURI().getQuery());
            reply(ex, 200, "application/json", ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/v2/", ex -> {
            String path = ex.getRequestURI().getPath();
            requests.add(path);
            if (requireBasic != null && !("Basic " + requireBasic).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
                reply(ex, 401, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (requireBasic == null && requireToken && !("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + base
                        + "/token\",service=\"test-registry\",scope=\"repository:team/app:pull\"");
                reply(ex, 401, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/v2/team/app/manifests/1")) {
                reply(ex, 200, "application/vnd.oci.image.index.v1+json", indexBytes);
                return;
            }
            String prefix = path.startsWith("/v2/team/app/blobs/sha256:") ? "/v2/team/app/blobs/sha256:"
                    : "/v2/team/app/manifests/sha256:";
            Path blob = layout.resolve("blobs/sha256").resolve(path.substring(Math.min(path.length(), prefix.length())));
            CountDownLatch together = layersTogether;
            if (together != null && path.startsWith("/v2/team/app/blobs/") && layerBlobs.contains(path.substring(prefix.length()))) {
                together.countDown();
                try {
                    if (!together.await(togetherSeconds, TimeUnit.SECONDS)) {
                        reply(ex, 500, "text/plain", "layers were not requested together".getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            HttpServer redirectTo = storage;
            if (redirectTo != null && path.startsWith("/v2/team/app/blobs/") && layerBlobs.contains(path.substring(prefix.length()))) {
                ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + redirectTo.getAddress().getPort()
                        + "/store/" + path.substring(prefix.length()));
                reply(ex, 307, "text/plain", new byte[0]);
                return;
            }
            if (path.startsWith(prefix) && Files.isRegularFile(blob)) {
                reply(ex, 200, "application/octet-stream", Files.readAllBytes(blob));
            } else {
                reply(ex, 404, "application/json", "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}".getBytes(StandardCharsets.UTF_8));
            }
        });
        handlers = Executors.newFixedThreadPool(4);
        server.setExecutor(handlers);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow();
        if (storage != null) {
            storage.stop(0);
        }
    }

    private static void reply(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(code, body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private String ref(String tag) {
        return "127.0.0.1:" + server.getAddress().getPort() + "/team/app:" + tag;
    }

    @Test
    void pullFollowsTheBearerChallengeAndPicksThisPlatform() {
        ImageStore store = ImageStore.builder().root(tmp.resolve("store")).dockerConfig(tmp.resolve("none.json")).build();
        Image image = store.pull(ref("1"), PullProgress.NONE);

        assertThat(image.layerDirs().get(0).resolve("app/run.sh")).hasContent("echo app");
        assertThat(image.config().defaultCommand()).containsExactly("/app/run.sh");
        assertThat(requests).anyMatch(r -> r.startsWith("token ") && r.contains("service=test-registry")
                && r.contains("scope=repository:team/app:pull"));
        assertThat(store.find(ref("1"))).contains(image);

        requests.clear();
        store.pull(ref("1"), PullProgress.NONE);
        assertThat(requests).noneMatch(r -> r.contains("/blobs/") && !r.endsWith(image.configDigest().toString()));
    }

    @Test
    void basicAuthUsesTheDockerConfigsCredentials() throws IOException {
        requireBasic = java.util.Base64.getEncoder().encodeToString("user:secret".getBytes(StandardCharsets.UTF_8));
        String registry = "127.0.0.1:" + server.getAddress().getPort();
        ImageStore anonymous = ImageStore.builder().root(tmp.resolve("a")).dockerConfig(tmp.resolve("none.json")).build();
        assertThatThrownBy(() -> anonymous.pull(ref("1"), PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                    assertThat(e.getMessage()).contains("has none for " + registry);
                });

        Path config = Files.writeString(tmp.resolve("config.json"),
                "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + requireBasic + "\"}}}");
        ImageStore store = ImageStore.builder().root(tmp.resolve("b")).dockerConfig(config).build();
        assertThat(store.pull(ref("1"), PullProgress.NONE).layers()).hasSize(2);
    }

    @Test
    void anUnknownTagIsNotFound() {
        requireToken = false;
        ImageStore store = ImageStore.builder().root(tmp.resolve("store")).dockerConfig(tmp.resolve("none.json")).build();
        assertThatThrownBy(() -> store.pull(ref("nope"), PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("/v2/team/app/manifests/nope", "404");
                });
    }

    @Test
    void layersStreamAtOnceAndProgressHearsOneCallAtATime() {
        // Each layer blob is answered only once both are requested: one-by-one streaming would wait in vain.
        layersTogether = new CountDownLatch(2);
        var inCall = new AtomicInteger();
        var overlaps = new AtomicInteger();
        var calls = new AtomicInteger();
        PullProgress slow = new PullProgress() {
            @Override
            public void layerProgress(Digest layer, long bytes) {
                slowCall();
            }

            @Override
            public void layerDone(Digest layer, boolean cached) {
                slowCall();
            }

            private void slowCall() {
                // Slow enough that two layers' calls would overlap if the store let them.
                if (inCall.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                calls.incrementAndGet();
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inCall.decrementAndGet();
            }
        };
        ImageStore store = ImageStore.builder().root(tmp.resolve("store")).dockerConfig(tmp.resolve("none.json")).build();
        Image image = store.pull(ref("1"), slow);

        assertThat(image.layerDirs().get(0).resolve("app/run.sh")).hasContent("echo app");
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
        assertThat(overlaps.get()).as("progress calls overlapping").isZero();
    }

    @Test
    void oneLayerAtATimeWhenAskedSo() {
        layersTogether = new CountDownLatch(2);
        togetherSeconds = 1;
        ImageStore store = ImageStore.builder().root(tmp.resolve("store")).dockerConfig(tmp.resolve("none.json"))
                .parallelLayers(1).build();
        assertThatThrownBy(() -> store.pull(ref("1"), PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e ->
                        assertThat(e.getMessage()).contains("HTTP 500", "not requested together"));
        assertThatThrownBy(() -> ImageStore.builder().root(tmp.resolve("x")).parallelLayers(0).build())
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.getMessage()).contains("parallelLayers"));
    }

    @Test
    void blobRedirectsAreFollowedWithoutTheRegistrysToken() throws IOException {
        HttpServer store = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        store.createContext("/store/", ex -> {
            storageAuthorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            Path blob = layout.resolve("blobs/sha256").resolve(ex.getRequestURI().getPath().substring("/store/".length()));
            reply(ex, 200, "application/octet-stream", Files.readAllBytes(blob));
        });
        store.start();
        storage = store;
        ImageStore images = ImageStore.builder().root(tmp.resolve("store")).dockerConfig(tmp.resolve("none.json")).build();

        Image image = images.pull(ref("1"), PullProgress.NONE);
        assertThat(image.layerDirs().get(0).resolve("app/run.sh")).hasContent("echo app");
        assertThat(storageAuthorizations).hasSize(2).containsOnly("null");
    }
}
