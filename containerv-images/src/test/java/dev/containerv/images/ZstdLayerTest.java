package dev.containerv.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tar+zstd} layers, compressed by the tests with zstd-jni: read, verified and capped like gzip ones. */
class ZstdLayerTest {
    @TempDir
    Path tmp;

    private static final byte[] BASE = ImageStoreTest.BASE;
    private static final byte[] APP = ImageStoreTest.APP;

    private static byte[] config(List<byte[]> layers) {
        return Fixtures.config(layers, List.of("/app/run.sh"), List.of("PATH=/bin"), "/app");
    }

    private ImageStore store(long maxLayerBytes) {
        return ImageStore.builder().root(tmp.resolve("store")).maxLayerBytes(maxLayerBytes).build();
    }

    private void assertNothingKept() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("store/tmp"))) {
            assertThat(s).isEmpty();
        }
        try (Stream<Path> s = Files.list(tmp.resolve("store/layers/sha256"))) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void zstdLayersUnpackToTheSameLayersAsGzipOnes() throws IOException {
        byte[] config = config(List.of(BASE, APP));
        Fixtures.ociLayout(tmp.resolve("zstd"), "1", List.of(BASE, APP), config, Fixtures.Compression.ZSTD);
        Fixtures.ociLayout(tmp.resolve("gzip"), "1", List.of(BASE, APP), config, Fixtures.Compression.GZIP);
        ImageStore store = store(1 << 20);

        var rec = new ImageStoreTest.Recorder();
        Image image = store.importOciLayout(tmp.resolve("zstd"), "1", "example.test/z:1", rec);
        assertThat(rec.unpacked).containsExactlyInAnyOrder(Digest.of(BASE), Digest.of(APP));
        assertThat(image.layerDirs().get(0).resolve("app/run.sh")).hasContent("echo app");
        assertThat(image.layerDirs().get(1).resolve("etc/os-release")).hasContent("base");

        // The cache is keyed by the uncompressed digest: the gzip image of the same tars unpacks nothing.
        var again = new ImageStoreTest.Recorder();
        Image gz = store.importOciLayout(tmp.resolve("gzip"), "1", "example.test/g:1", again);
        assertThat(again.unpacked).isEmpty();
        assertThat(gz.layerDirs()).isEqualTo(image.layerDirs());
    }

    @Test
    void aZstdBlobWithOtherContentOfTheSameSizeIsRefusedByItsDigest() throws IOException {
        byte[] real = Fixtures.tar(t -> t.file("data", "x".repeat(2000) + "0123456789".repeat(50)));
        Path layout = tmp.resolve("layout");
        Fixtures.ociLayout(layout, "1", List.of(real), config(List.of(real)), Fixtures.Compression.ZSTD);
        Path blob = layout.resolve("blobs/sha256").resolve(Digest.of(Fixtures.zstd(real)).hex());
        int size = (int) Files.size(blob);
        // Another valid zstd stream of the same length: a smaller frame, then a skippable frame as padding, which
        // decoders ignore. Only the digest can tell it apart.
        byte[] evil = Fixtures.zstd(Fixtures.tar(t -> t.file("data", "evil")));
        int pad = size - evil.length - 8;
        assertThat(pad).as("room for a skippable frame").isNotNegative();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(evil).putInt(0x184D2A50).putInt(pad).put(new byte[pad]);
        Files.write(blob, b.array());
        ImageStore store = store(1 << 20);

        assertThatThrownBy(() -> store.importOciLayout(layout, "1", "example.test/bad:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                    assertThat(e.getMessage()).contains("content has digest " + Digest.of(b.array()),
                            "expected " + Digest.of(Fixtures.zstd(real)), "nothing of it was kept");
                });
        assertNothingKept();
        assertThat(store.find("example.test/bad:1")).isEmpty();
    }

    @Test
    void aZstdBombStopsAtTheLayerByteLimit() throws IOException {
        byte[] bomb = Fixtures.tar(t -> t.file("zeros", "\0".repeat(8 << 20)));
        byte[] compressed = Fixtures.zstd(bomb);
        assertThat(compressed.length).as("a bomb: tiny compressed").isLessThan(4096);
        Path layout = tmp.resolve("layout");
        Fixtures.ociLayout(layout, "1", List.of(bomb), config(List.of(bomb)), Fixtures.Compression.ZSTD);
        ImageStore store = store(1 << 20);

        assertThatThrownBy(() -> store.importOciLayout(layout, "1", "example.test/bomb:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT);
                    assertThat(e.getMessage()).contains(Digest.of(compressed).toString(), "more than 1048576",
                            "zeros");
                });
        assertNothingKept();
    }

    @Test
    void aCorruptZstdStreamIsAPlatformFailureNamingTheLayer() throws IOException {
        Path layout = tmp.resolve("layout");
        byte[] tar = Fixtures.tar(t -> t.file("a", "a".repeat(1000)));
        byte[] blob = Fixtures.zstd(tar);
        // Truncated inside the frame: a blob whose manifest states this content, so only the decoder can object.
        byte[] cut = java.util.Arrays.copyOf(blob, blob.length / 2);
        Fixtures.ociLayout(layout, "1", List.of(tar), config(List.of(tar)), Fixtures.Compression.ZSTD);
        Files.delete(layout.resolve("blobs/sha256").resolve(Digest.of(blob).hex()));
        rewriteLayer(layout, blob, cut);
        ImageStore store = store(1 << 20);

        assertThatThrownBy(() -> store.importOciLayout(layout, "1", "example.test/cut:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                    assertThat(e.getMessage()).contains(Digest.of(cut).toString());
                });
        assertNothingKept();
    }

    /** Points the layout's manifest at another layer blob, rewriting the manifest and index digests. */
    private static void rewriteLayer(Path layout, byte[] old, byte[] replacement) throws IOException {
        var index = (com.fasterxml.jackson.databind.node.ObjectNode) Fixtures.JSON.readTree(layout.resolve("index.json").toFile());
        var md = (com.fasterxml.jackson.databind.node.ObjectNode) index.path("manifests").get(0);
        Path manifestFile = layout.resolve("blobs/sha256").resolve(Digest.parse(md.path("digest").asText()).hex());
        String manifest = Files.readString(manifestFile)
                .replace(Digest.of(old).toString(), Digest.of(replacement).toString())
                .replace("\"size\":" + old.length, "\"size\":" + replacement.length);
        Files.delete(manifestFile);
        Digest newManifest = Fixtures.writeBlob(layout, manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Fixtures.writeBlob(layout, replacement);
        md.put("digest", newManifest.toString());
        md.put("size", manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        Files.write(layout.resolve("index.json"), Fixtures.bytes(index));
    }
}
