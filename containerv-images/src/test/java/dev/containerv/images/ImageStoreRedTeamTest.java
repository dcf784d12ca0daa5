package dev.containerv.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image store attacked as an image author would: an image's files land on the host, in the store.
 */
class ImageStoreRedTeamTest {
    @TempDir
    Path tmp;

    /**
     * A setuid-root program and a device node of mode 0666 shipped in an image are unpacked as they are (containers
     * need them); in a store of the default mode 0755 any host user could run the one and open the other (a char
     * 1:1 node is the host's memory). Only the store's owner may walk to the layers, and to those being unpacked.
     */
    @Test
    void anImagesSetuidFilesAndDevicesAreOutOfReachOfOtherHostUsers() throws Exception {
        assumeTrue(LayerUnpackerTest.isRoot(), "setuid owners, device nodes and another user's view need root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv runs a check as another user");
        Files.setAttribute(tmp, "unix:mode", 0755); // a store's parent others may enter, as /var/lib is
        byte[] evil = Fixtures.tar(t -> {
            t.dir("bin").file("bin/rootsh", "#!/bin/sh\nid\n", 04755);
            var dev = new TarArchiveEntry("dev/hostnull", TarConstants.LF_CHR);
            dev.setMode(020666);
            dev.setDevMajor(1);
            dev.setDevMinor(3);
            t.dir("dev").put(dev, null);
        });
        Fixtures.ociLayout(tmp.resolve("layout"), "1", List.of(evil), Fixtures.config(List.of(evil), List.of("/bin/rootsh"), List.of(), "/"));
        Path root = tmp.resolve("store");
        Image image = ImageStore.builder().root(root).build().importOciLayout(tmp.resolve("layout"), "1", "example.test/evil:1", PullProgress.NONE);
        Path layer = image.layerDirs().get(0);
        assertThat((Integer) Files.getAttribute(layer.resolve("bin/rootsh"), "unix:mode") & 07777).isEqualTo(04755);
        assertThat((Integer) Files.getAttribute(layer.resolve("dev/hostnull"), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170777).isEqualTo(020666);

        for (Path p : List.of(layer.resolve("bin/rootsh"), layer.resolve("dev/hostnull"))) {
            assertThat(asNobody("test", "-e", p.toString())).as(p.toString()).isNotZero();
        }
        assertThat(asNobody("test", "-x", root.resolve("tmp").toString())).as("entering tmp/, where layers are unpacked").isNotZero();
        assertThat(asNobody("test", "-d", root.toString())).as("the store's root itself stays open").isZero();

        // A store made before, with the default modes, is closed when it is opened.
        Files.setAttribute(root.resolve("layers"), "unix:mode", 0755);
        Files.setAttribute(root.resolve("tmp"), "unix:mode", 0755);
        assertThat(asNobody("test", "-e", layer.resolve("bin/rootsh").toString())).isZero();
        ImageStore.builder().root(root).build();
        assertThat(asNobody("test", "-e", layer.resolve("bin/rootsh").toString())).isNotZero();
        assertThat((Integer) Files.getAttribute(root.resolve("tmp"), "unix:mode") & 0777).isEqualTo(0700);
    }

    /**
     * Broke: a layer whose diff_id was in the cache was given to any image whose config listed that diff_id, its
     * blob never read, so an image could name another image's layer (its private files, say) without having its
     * bytes. Now a cached layer is reused only for a blob digest the cache saw decompress to it; another blob, a
     * missing one, or a source with no blob digest must be read and verified first.
     */
    @Test
    void anImageCannotGetAnotherImagesCachedLayerByNamingItsDiffId() throws Exception {
        byte[] secret = Fixtures.tar(t -> t.file("secret", "A's"));
        byte[] mine = Fixtures.tar(t -> t.file("mine", "B's"));
        byte[] configNamingSecret = Fixtures.config(List.of(secret), List.of("/secret"), List.of(), "/");
        Fixtures.ociLayout(tmp.resolve("a"), "1", List.of(secret), configNamingSecret);
        ImageStore store = ImageStore.builder().root(tmp.resolve("store")).build();
        Image a = store.importOciLayout(tmp.resolve("a"), "1", "example.test/a:1", PullProgress.NONE);

        // B's manifest names a blob of its own, B's config names A's diff_id.
        Fixtures.ociLayout(tmp.resolve("other-blob"), "1", List.of(mine), configNamingSecret);
        assertThatThrownBy(() -> store.importOciLayout(tmp.resolve("other-blob"), "1", "example.test/b:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                    assertThat(e.getMessage()).contains("uncompressed content has digest " + Digest.of(mine),
                            "the image config says " + Digest.of(secret));
                });
        // B's manifest names a blob B does not have.
        Fixtures.ociLayout(tmp.resolve("no-blob"), "1", List.of(mine), configNamingSecret);
        Files.delete(tmp.resolve("no-blob/blobs/sha256").resolve(Digest.of(Fixtures.gzip(mine)).hex()));
        assertThatThrownBy(() -> store.importOciLayout(tmp.resolve("no-blob"), "1", "example.test/b:1", PullProgress.NONE))
                .isInstanceOf(ContainerException.class);
        // A docker-save archive names no blob digest: its layer tar is the proof.
        Fixtures.dockerArchive(tmp.resolve("b.tar"), "b:1", List.of(mine), configNamingSecret);
        assertThatThrownBy(() -> store.importDockerArchive(tmp.resolve("b.tar"), null, "example.test/b:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e ->
                        assertThat(e.getMessage()).contains("uncompressed content has digest " + Digest.of(mine)));

        assertThat(store.find("example.test/b:1")).isEmpty();
        assertThat(a.layerDirs().get(0).resolve("secret")).hasContent("A's"); // A's layer stays
        try (var s = Files.list(tmp.resolve("store/tmp"))) {
            assertThat(s).isEmpty();
        }
    }

    /**
     * Forged or damaged records ({@code layer-blobs/<diff_id>}): a line that is no digest, a symbolic link to a file
     * listing the attacker's blob digest, a directory. None may make the cache hand out the layer without its blob; a
     * record that cannot be read as one is treated as none (the blob is read and verified, the record rewritten)
     * rather than failing every later import of the image.
     */
    @Test
    void aForgedOrDamagedBlobRecordGivesNoLayerAndBlocksNoImport() throws Exception {
        byte[] layer = Fixtures.tar(t -> t.file("f", "x"));
        Fixtures.ociLayout(tmp.resolve("a"), "1", List.of(layer), Fixtures.config(List.of(layer), List.of("/f"), List.of(), "/"));
        Path blob = tmp.resolve("a/blobs/sha256").resolve(Digest.of(Fixtures.gzip(layer)).hex());
        Path store = tmp.resolve("store");
        ImageStore.builder().root(store).build().importOciLayout(tmp.resolve("a"), "1", "example.test/a:1", PullProgress.NONE);
        Path record = store.resolve("layer-blobs").resolve(Digest.of(layer).hex());
        String good = Files.readString(record);

        // Another image's blob digest, listed in a file the record links to: not a record.
        Path forged = Files.writeString(tmp.resolve("forged"), good);
        Files.delete(record);
        Files.createSymbolicLink(record, forged);
        byte[] blobBytes = Files.readAllBytes(blob);
        Files.delete(blob);
        assertThatThrownBy(() -> ImageStore.builder().root(store).build()
                .importOciLayout(tmp.resolve("a"), "1", "example.test/a:1", PullProgress.NONE))
                .as("a linked record proves nothing: the blob is needed").isInstanceOf(ContainerException.class);
        Files.write(blob, blobBytes);

        for (String damaged : List.of("garbage\n", "sha256:zz\n", good + "not a digest\n", "\u00e9\n", "x".repeat(2 << 20))) {
            Files.deleteIfExists(record);
            Files.write(record, damaged.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var r = new ImageStoreTest.Recorder();
            ImageStore.builder().root(store).build().importOciLayout(tmp.resolve("a"), "1", "example.test/a:1", r);
            assertThat(r.cached).as(damaged.substring(0, Math.min(20, damaged.length()))).containsExactly(Digest.of(layer));
            assertThat(Files.readString(record)).as("rewritten").isEqualTo(good);
        }
    }

    /**
     * A second import of the same image reads no layer blob (the blob file may be gone); a layer cached before the
     * cache recorded blob digests is verified on its first use, then recorded.
     */
    @Test
    void aSecondImportReusesItsLayersWithoutTheirBlobsAndAnOldCacheIsVerifiedOnce() throws Exception {
        byte[] layer = Fixtures.tar(t -> t.file("f", "x"));
        Fixtures.ociLayout(tmp.resolve("a"), "1", List.of(layer), Fixtures.config(List.of(layer), List.of("/f"), List.of(), "/"));
        Path blob = tmp.resolve("a/blobs/sha256").resolve(Digest.of(Fixtures.gzip(layer)).hex());
        byte[] blobBytes = Files.readAllBytes(blob);
        Path store = tmp.resolve("store");
        ImageStore.builder().root(store).build().importOciLayout(tmp.resolve("a"), "1", "example.test/a:1", PullProgress.NONE);

        Files.delete(blob);
        var again = new ImageStoreTest.Recorder();
        ImageStore.builder().root(store).build().importOciLayout(tmp.resolve("a"), "1", "example.test/a:1", again);
        assertThat(again.cached).containsExactly(Digest.of(layer));

        // A cache from before the records: the blob is needed once, and only once.
        try (var s = Files.list(store.resolve("layer-blobs"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.delete(p);
            }
        }
        assertThatThrownBy(() -> ImageStore.builder().root(store).build()
                .importOciLayout(tmp.resolve("a"), "1", "example.test/a:1", PullProgress.NONE))
                .isInstanceOf(ContainerException.class);
        Files.write(blob, blobBytes);
        var verified = new ImageStoreTest.Recorder();
        ImageStore.builder().root(store).build().importOciLayout(tmp.resolve("a"), "1", "example.test/a:1", verified);
        assertThat(verified.cached).containsExactly(Digest.of(layer));
        assertThat(verified.unpacked).isEmpty();
        Files.delete(blob);
        ImageStore.builder().root(store).build().importOciLayout(tmp.resolve("a"), "1", "example.test/a:1", PullProgress.NONE);
    }

    /**
     * Held: an OCI layout's descriptors name blobs by digest, and a digest that is a path ({@code sha256:../../x})
     * would read a file outside the layout; a manifest blob whose bytes are not those its digest names (swapped for
     * another image's) would be believed. Digests are 64 hex digits, and every blob is hashed as it is read. Broke:
     * {@code index.json} was read whole whatever its size; it is now held to a manifest's 16 MiB.
     */
    @Test
    void anOciLayoutCannotNameAFileOutsideItNorSwapAManifestNorHaveAnIndexOfAnySize() throws Exception {
        byte[] layer = Fixtures.tar(t -> t.file("f", "x"));
        byte[] config = Fixtures.config(List.of(layer), List.of("/f"), List.of(), "/");
        Path layout = tmp.resolve("layout");
        Fixtures.ociLayout(layout, "1", List.of(layer), config);
        Files.writeString(tmp.resolve("outside.json"), "{}");
        String index = Files.readString(layout.resolve("index.json"));
        String manifestDigest = index.replaceAll("(?s).*\"digest\":\"(sha256:[0-9a-f]{64})\".*", "$1");
        ImageStore store = ImageStore.builder().root(tmp.resolve("store")).build();

        Files.writeString(layout.resolve("index.json"), index.replace(manifestDigest, "sha256:../../outside.json"));
        assertThatThrownBy(() -> store.importOciLayout(layout, "1", "example.test/x:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("../../outside.json");

        // An index.json of more than a manifest's 16 MiB (read whole: of gigabytes, the heap's end) is refused unread.
        try (var w = Files.newBufferedWriter(layout.resolve("index.json"))) {
            w.write(index.substring(0, index.length() - 1));
            w.write(" ".repeat(17 << 20));
            w.write("}");
        }
        assertThatThrownBy(() -> store.importOciLayout(layout, "1", "example.test/x:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT))
                .hasMessageContaining("index.json is larger than 16777216 bytes");

        // The manifest's blob replaced by another manifest (of another config): its digest no longer matches.
        Files.writeString(layout.resolve("index.json"), index);
        Path blob = layout.resolve("blobs/sha256").resolve(manifestDigest.substring("sha256:".length()));
        String manifest = Files.readString(blob);
        byte[] otherConfig = Fixtures.config(List.of(layer), List.of("/other"), List.of(), "/");
        Digest other = Fixtures.writeBlob(layout, otherConfig);
        String swapped = manifest.replace(Digest.of(config).toString(), other.toString());
        assertThat(swapped).isNotEqualTo(manifest);
        Files.writeString(blob, swapped);
        assertThatThrownBy(() -> store.importOciLayout(layout, "1", "example.test/x:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE))
                .hasMessageContaining(manifestDigest);
        assertThat(store.images()).isEmpty();
    }

    /**
     * A {@code docker save} archive was indexed by commons-compress's {@code TarFile}, which reads a long name or PAX
     * record into memory whole, as the layer reader does (512 MiB of name ran a 2 GiB heap out of memory there), and
     * keeps every entry. Its headers are read within the layer's limit, its entries counted.
     */
    @Test
    void aDockerArchivesHeadersAreNotReadIntoMemoryPastOneMebibyte() throws Exception {
        Path archive = Files.write(tmp.resolve("evil.tar"), Fixtures.specialHeader('L', "n".repeat(16 << 20).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        ImageStore store = ImageStore.builder().root(tmp.resolve("store")).build();
        assertThatThrownBy(() -> store.importDockerArchive(archive, null, "example.test/x:1", PullProgress.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT))
                .hasMessageContaining("1048576 bytes of headers");
    }

    private static int asNobody(String... command) throws IOException, InterruptedException {
        var cmd = new java.util.ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        cmd.addAll(List.of(command));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
}
