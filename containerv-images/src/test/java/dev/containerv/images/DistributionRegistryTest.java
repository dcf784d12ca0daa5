package dev.containerv.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls from Debian's {@code docker-registry} (the reference distribution registry), started on a free loopback
 * port with its own config, after {@code skopeo} pushed OCI layouts the test wrote. Skips when a tool is missing,
 * except under {@code CONTAINERV_REQUIRE_PRIVILEGED=1}, where that fails.
 */
class DistributionRegistryTest {
    @TempDir
    Path tmp;
    Process registry;
    int port;

    static void requireTool(String tool) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(dir, tool));
        }
        if (!found && "1".equals(System.getenv("CONTAINERV_REQUIRE_PRIVILEGED"))) {
            fail(tool + " is not installed (apt-get install -y docker-registry skopeo), and CONTAINERV_REQUIRE_PRIVILEGED=1");
        }
        assumeTrue(found, tool + " is not installed (apt-get install -y docker-registry skopeo)");
    }

    @BeforeEach
    void startRegistry() throws Exception {
        requireTool("docker-registry");
        requireTool("skopeo");
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = tmp.resolve("registry.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
                + tmp.resolve("data") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        registry = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("registry.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                var c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
                c.setConnectTimeout(2000);
                c.setReadTimeout(2000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!registry.isAlive() || System.nanoTime() > deadline) {
                fail("docker-registry did not come up on 127.0.0.1:" + port + ": "
                        + Files.readString(tmp.resolve("registry.log")));
            }
            Thread.sleep(100);
        }
    }

    @AfterEach
    void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.destroy();
            if (!registry.waitFor(10, TimeUnit.SECONDS)) {
                registry.destroyForcibly().waitFor();
            }
        }
    }

    private String push(String name, List<byte[]> layers) throws Exception {
        return push(name, layers, Fixtures.Compression.GZIP);
    }

    private String push(String name, List<byte[]> layers, Fixtures.Compression compression) throws Exception {
        Path layout = tmp.resolve("layout-" + name);
        Fixtures.ociLayout(layout, "1", layers, Fixtures.config(layers, List.of("/app/run.sh"), List.of("A=1"), "/app"),
                compression);
        String ref = "127.0.0.1:" + port + "/team/" + name + ":1";
        Process p = new ProcessBuilder("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
                "oci:" + layout + ":1", "docker://" + ref).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("skopeo copy: %s", out).isZero();
        return ref;
    }

    @Test
    void pullTwiceAndASharedBaseIsStoredOnce() throws Exception {
        String app = push("app", List.of(ImageStoreTest.BASE, ImageStoreTest.APP));
        String other = push("other", List.of(ImageStoreTest.BASE, ImageStoreTest.OTHER));
        ImageStore store = ImageStore.builder().root(tmp.resolve("store")).dockerConfig(tmp.resolve("none.json")).build();

        var first = new ImageStoreTest.Recorder();
        Image image = store.pull(app, first);
        assertThat(first.unpacked).containsExactlyInAnyOrder(Digest.of(ImageStoreTest.BASE), Digest.of(ImageStoreTest.APP));
        assertThat(image.layerDirs().get(0).resolve("app/run.sh")).hasContent("echo app");
        assertThat(image.config().defaultCommand()).containsExactly("/app/run.sh");
        assertThat(image.config().workingDir()).isEqualTo("/app");

        var second = new ImageStoreTest.Recorder();
        assertThat(store.pull(app, second).layerDirs()).isEqualTo(image.layerDirs());
        assertThat(second.unpacked).isEmpty();

        var third = new ImageStoreTest.Recorder();
        store.pull(other, third);
        assertThat(third.unpacked).containsExactly(Digest.of(ImageStoreTest.OTHER));
        assertThat(store.layers()).hasSize(3);
    }

    @Test
    void zstdLayersArePulledFromTheRegistry() throws Exception {
        String app = push("zapp", List.of(ImageStoreTest.BASE, ImageStoreTest.APP), Fixtures.Compression.ZSTD);
        ImageStore store = ImageStore.builder().root(tmp.resolve("store")).dockerConfig(tmp.resolve("none.json")).build();

        var rec = new ImageStoreTest.Recorder();
        Image image = store.pull(app, rec);
        assertThat(rec.unpacked).containsExactlyInAnyOrder(Digest.of(ImageStoreTest.BASE), Digest.of(ImageStoreTest.APP));
        assertThat(image.layerDirs().get(0).resolve("app/run.sh")).hasContent("echo app");
        assertThat(image.layerDirs().get(1).resolve("etc/os-release")).hasContent("base");
    }
}
