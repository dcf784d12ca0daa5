package dev.containerv.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    @TempDir
    Path tmp;

    static final byte[] BASE = Fixtures.tar(t -> t.dir("etc").file("etc/os-release", "base").file("etc/motd", "hi")
            .dir("var").file("var/old", "o"));
    static final byte[] APP = Fixtures.tar(t -> t.dir("app").file("app/run.sh", "echo app", 0755));
    static final byte[] OTHER = Fixtures.tar(t -> t.file("other", "x"));

    private ImageStore store() {
        return ImageStore.builder().root(tmp.resolve("store")).build();
    }

    private static byte[] config(List<byte[]> layers) {
        return Fixtures.config(layers, List.of("/app/run.sh"), List.of("PATH=/bin", "MODE=test"), "/app");
    }

    /** Records which layers were unpacked (not found cached). */
    static final class Recorder implements PullProgress {
        final List<Digest> unpacked = new CopyOnWriteArrayList<>();
        final List<Digest> cached = new CopyOnWriteArrayList<>();

        @Override
        public void layerDone(Digest layer, boolean wasCached) {
            (wasCached ? cached : unpacked).add(layer);
        }
    }

    @Test
    void ociLayoutImportGivesLayersTopFirstAndTheRunConfig() throws IOException {
        Fixtures.ociLayout(tmp.resolve("layout"), "1.0", List.of(BASE, APP), config(List.of(BASE, APP)));
        Image image = store().importOciLayout(tmp.resolve("layout"), "1.0", "example.test/app:1.0", PullProgress.NONE);

        assertThat(image.reference()).isEqualTo("example.test/app:1.0");
        assertThat(image.layers()).containsExactly(Digest.of(APP), Digest.of(BASE));
        assertThat(image.layerDirs().get(0).resolve("app/run.sh")).hasContent("echo app");
        assertThat(image.layerDirs().get(1).resolve("etc/os-release")).hasContent("base");
        assertThat(image.config().defaultCommand()).containsExactly("/app/run.sh");
        assertThat(image.config().envMap()).containsEntry("MODE", "test");
        assertThat(image.config().workingDir()).isEqualTo("/app");
        assertThat(store().find("example.test/app:1.0")).contains(image);
    }

    @Test
    void dockerArchiveAndOciLayoutOfOneImageGiveTheSameLayers() throws IOException {
        byte[] config = config(List.of(BASE, APP));
        Fixtures.ociLayout(tmp.resolve("layout"), "1.0", List.of(BASE, APP), config);
        Fixtures.dockerArchive(tmp.resolve("saved.tar"), "app:1.0", List.of(BASE, APP), config);
        ImageStore store = store();
        Image fromLayout = store.importOciLayout(tmp.resolve("layout"), "1.0", "example.test/a:1", PullProgress.NONE);
        var rec = new Recorder();
        Image fromArchive = store.importDockerArchive(tmp.resolve("saved.tar"), "app:1.0", "example.test/b:1", rec);

        assertThat(fromArchive.layerDirs()).isEqualTo(fromLayout.layerDirs());
        assertThat(fromArchive.config()).isEqualTo(fromLayout.config());
        assertThat(fromArchive.configDigest()).isEqualTo(fromLayout.configDigest());
        assertThat(rec.unpacked).isEmpty();
    }

    @Test
    void aSecondImportUnpacksNothingAndASharedBaseIsStoredOnce() throws IOException {
        Fixtures.ociLayout(tmp.resolve("one"), "1", List.of(BASE, APP), config(List.of(BASE, APP)));
        Fixtures.ociLayout(tmp.resolve("two"), "1", List.of(BASE, OTHER), config(List.of(BASE, OTHER)));
        ImageStore store = store();
        var first = new Recorder();
        store.importOciLayout(tmp.resolve("one"), "1", "example.test/one:1", first);
        assertThat(first.unpacked).hasSize(2);

        var again = new Recorder();
        store.importOciLayout(tmp.resolve("one"), "1", "example.test/one:1", again);
        assertThat(again.unpacked).isEmpty();
        assertThat(again.cached).hasSize(2);

        var second = new Recorder();
        store.importOciLayout(tmp.resolve("two"), "1", "example.test/two:1", second);
        assertThat(second.unpacked).containsExactly(Digest.of(OTHER));
        assertThat(second.cached).containsExactly(Digest.of(BASE));
        assertThat(store.layers()).hasSize(3);
    }

    @Test
    void aCorruptedLayerBlobIsRefusedAndNothingOfItIsKept() throws IOException {
        Path layout = tmp.resolve("layout");
        Fixtures.ociLayout(layout, "1", List.of(BASE, APP), config(List.of(BASE, APP)));
        // Swap the APP layer blob's content for another valid gzip tar: same name, other digest.
        Path appBlob = layout.resolve("blobs/sha256").resolve(Digest.of(Fixtures.gzip(APP)).hex());
        byte[] evil = Fixtures.gzip(Fixtures.tar(t -> t.file("app/run.sh", "evil")));
        // Same size as the real blob (gzip ignores trailing zeros), so it is the digest that catches it.
        Files.write(appBlob, java.util.Arrays.copyOf(evil, Files.readAllBytes(appBlob).length));
        ImageStore store = store();

        assertThatThrownBy(() -> store.importOciLayout(layout, "1", "example.test/bad:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                    assertThat(e.getMessage()).contains(Digest.of(Fixtures.gzip(APP)).toString(), "expected");
                });
        assertThat(store.layers()).extracting(ImageStore.CachedLayer::digest).containsExactly(Digest.of(BASE));
        try (Stream<Path> s = Files.list(tmp.resolve("store/tmp"))) {
            assertThat(s).isEmpty();
        }
        assertThat(store.find("example.test/bad:1")).isEmpty();
    }

    @Test
    void aLayerBlobOfAnotherSizeIsRefused() throws IOException {
        Path layout = tmp.resolve("layout");
        Fixtures.ociLayout(layout, "1", List.of(APP), config(List.of(APP)));
        Path appBlob = layout.resolve("blobs/sha256").resolve(Digest.of(Fixtures.gzip(APP)).hex());
        Files.write(appBlob, java.util.Arrays.copyOf(Files.readAllBytes(appBlob), (int) Files.size(appBlob) + 10));
        ImageStore store = store();
        assertThatThrownBy(() -> store.importOciLayout(layout, "1", "example.test/bad:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e ->
                        assertThat(e.getMessage()).contains("more than the stated"));
        assertThat(store.layers()).isEmpty();
    }

    @Test
    void aLayerWhoseContentDoesNotMatchTheConfigsDiffIdIsRefused() throws IOException {
        // The docker archive has no compressed digest: the config's diff_id is the only check.
        byte[] config = config(List.of(BASE));
        Fixtures.dockerArchive(tmp.resolve("saved.tar"), "x:1", List.of(OTHER), config);
        ImageStore store = store();
        assertThatThrownBy(() -> store.importDockerArchive(tmp.resolve("saved.tar"), null, "example.test/x:1",
                PullProgress.NONE)).isInstanceOfSatisfying(ContainerException.class, e ->
                assertThat(e.getMessage()).contains("uncompressed content has digest " + Digest.of(OTHER)));
        assertThat(store.layers()).isEmpty();
    }

    @Test
    void removeThenPruneDeletesOnlyUnreferencedLayers() throws IOException {
        Fixtures.ociLayout(tmp.resolve("one"), "1", List.of(BASE, APP), config(List.of(BASE, APP)));
        Fixtures.ociLayout(tmp.resolve("two"), "1", List.of(BASE, OTHER), config(List.of(BASE, OTHER)));
        ImageStore store = store();
        store.importOciLayout(tmp.resolve("one"), "1", "example.test/one:1", PullProgress.NONE);
        Image two = store.importOciLayout(tmp.resolve("two"), "1", "example.test/two:1", PullProgress.NONE);

        assertThat(store.remove("example.test/one:1")).isTrue();
        assertThat(store.prune()).containsExactly(Digest.of(APP));
        assertThat(store.images()).extracting(Image::reference).containsExactly("example.test/two:1");
        assertThat(store.find("example.test/two:1")).contains(two);
        assertThat(two.layerDirs()).allMatch(Files::isDirectory);
    }

    @Test
    void concurrentImportsOfOneLayerUnpackItOnce() throws Exception {
        Fixtures.ociLayout(tmp.resolve("one"), "1", List.of(BASE, APP), config(List.of(BASE, APP)));
        ImageStore store = store();
        var rec = new Recorder();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            var futures = new ArrayList<Future<Image>>();
            for (int i = 0; i < 6; i++) {
                String name = "example.test/c" + i + ":1";
                futures.add(pool.submit(() -> store.importOciLayout(tmp.resolve("one"), "1", name, rec)));
            }
            for (Future<Image> f : futures) {
                assertThat(f.get().layerDirs().get(0).resolve("app/run.sh")).hasContent("echo app");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(rec.unpacked).containsExactlyInAnyOrder(Digest.of(BASE), Digest.of(APP));
        assertThat(rec.cached).hasSize(10);
    }

    @Test
    void aMissingTagNamesTheTagsThereAre() throws IOException {
        Fixtures.ociLayout(tmp.resolve("one"), "1", List.of(BASE), config(List.of(BASE)));
        assertThatThrownBy(() -> store().importOciLayout(tmp.resolve("one"), "2", "example.test/x:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("no manifest named 2", "[1]");
                });
    }
}
