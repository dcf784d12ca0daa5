package dev.containerv.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.images.internal.LayerUnpacker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {
    @TempDir
    Path tmp;

    private Path unpack(Consumer<Fixtures.Tar> entries) throws IOException {
        return unpack(new LayerUnpacker(1L << 30, 10_000), entries);
    }

    private Path unpack(LayerUnpacker unpacker, Consumer<Fixtures.Tar> entries) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("layer"));
        unpacker.unpack(new ByteArrayInputStream(Fixtures.tar(entries)), dir, "L1");
        return dir;
    }

    /** Unpacks one empty regular file {@code f} carrying the xattr {@code name=value} as a PAX record. */
    private Path unpackFileWithXattr(String name, String value) throws IOException {
        return unpack(t -> {
            var f = new TarArchiveEntry("f");
            f.setMode(0100644);
            f.setSize(0);
            f.addPaxHeader("SCHILY.xattr." + name, value);
            t.put(f, new byte[0]);
        });
    }

    static boolean isRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0;
    }

    @Test
    void filesDirectoriesLinksModesAndTimesAreKept() throws IOException {
        Path dir = unpack(t -> t.dir("etc").file("etc/hosts", "h", 0600).file("bin/tool", "x", 0755)
                .symlink("etc/link", "/etc/hosts").hardlink("etc/hard", "etc/hosts"));
        assertThat(Files.readString(dir.resolve("etc/hosts"))).isEqualTo("h");
        assertThat((Integer) Files.getAttribute(dir.resolve("etc/hosts"), "unix:mode") & 07777).isEqualTo(0600);
        assertThat((Integer) Files.getAttribute(dir.resolve("bin/tool"), "unix:mode") & 07777).isEqualTo(0755);
        assertThat(Files.readSymbolicLink(dir.resolve("etc/link"))).isEqualTo(Path.of("/etc/hosts"));
        assertThat(Files.getAttribute(dir.resolve("etc/hard"), "unix:ino"))
                .isEqualTo(Files.getAttribute(dir.resolve("etc/hosts"), "unix:ino"));
        assertThat(Files.getLastModifiedTime(dir.resolve("etc/hosts")).toMillis()).isEqualTo(Fixtures.MTIME.getTime());
        assertThat(Files.getLastModifiedTime(dir.resolve("etc")).toMillis()).isEqualTo(Fixtures.MTIME.getTime());
    }

    @Test
    void ownersAreKeptForRoot() throws IOException {
        assumeTrue(isRoot(), "chown needs root");
        Path dir = unpack(t -> {
            var e = new TarArchiveEntry("owned");
            e.setMode(0100640);
            e.setSize(1);
            e.setUserId(1234);
            e.setGroupId(4321);
            t.put(e, new byte[] {'o'});
        });
        assertThat(Files.getAttribute(dir.resolve("owned"), "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(dir.resolve("owned"), "unix:gid")).isEqualTo(4321);
    }

    @Test
    void anOwnerWithOnlyOneIdDifferentFromTheLayerDirectorysIsKept() throws IOException {
        assumeTrue(isRoot(), "chown needs root");
        Path dir = Files.createDirectories(tmp.resolve("layer"));
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        int gid = (Integer) Files.getAttribute(dir, "unix:gid");
        new LayerUnpacker(1L << 30, 10_000).unpack(new ByteArrayInputStream(Fixtures.tar(t -> {
            t.put(owned("other-group", uid, 4321), new byte[] {'g'});
            t.put(owned("other-user", 1234, gid), new byte[] {'u'});
        })), dir, "L1");
        assertThat(Files.getAttribute(dir.resolve("other-group"), "unix:uid")).isEqualTo(uid);
        assertThat(Files.getAttribute(dir.resolve("other-group"), "unix:gid")).isEqualTo(4321);
        assertThat(Files.getAttribute(dir.resolve("other-user"), "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(dir.resolve("other-user"), "unix:gid")).isEqualTo(gid);
    }

    private static TarArchiveEntry owned(String name, int uid, int gid) {
        var e = new TarArchiveEntry(name);
        e.setMode(0100640);
        e.setSize(1);
        e.setUserId(uid);
        e.setGroupId(gid);
        return e;
    }

    @Test
    void whiteoutBecomesACharacterDeviceZeroZero() throws IOException {
        assumeTrue(isRoot(), "mknod needs root");
        Path dir = unpack(t -> t.dir("etc").file("etc/.wh.motd", ""));
        Path w = dir.resolve("etc/motd");
        assertThat((Integer) Files.getAttribute(w, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000).isEqualTo(0020000);
        assertThat(Files.getAttribute(w, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0L);
        assertThat(dir.resolve("etc/.wh.motd")).doesNotExist();
    }

    @Test
    void opaqueMarkerSetsTheOverlayOpaqueAttribute() throws Exception {
        assumeTrue(isRoot(), "trusted.* attributes need root");
        Path dir = unpack(t -> t.dir("var").file("var/.wh..wh..opq", "").file("var/kept", "k"));
        assertThat(xattr(dir.resolve("var"), "trusted.overlay.opaque")).isEqualTo("y");
        assertThat(dir.resolve("var/.wh..wh..opq")).doesNotExist();
        assertThat(dir.resolve("var/kept")).hasContent("k");
    }

    @Test
    void paxXattrsAreKept() throws Exception {
        Path dir = unpackFileWithXattr("user.origin", "fixture");
        assertThat(xattr(dir.resolve("f"), "user.origin")).isEqualTo("fixture");
    }

    @Test
    void overlayAndTrustedXattrsOfEntriesAreDroppedOthersKept() throws Exception {
        assumeTrue(isRoot(), "trusted.* and security.* attributes need root");
        Path dir = unpack(t -> {
            var d = new TarArchiveEntry("var/");
            d.setMode(040755);
            d.addPaxHeader("SCHILY.xattr.trusted.overlay.opaque", "y");
            d.addPaxHeader("SCHILY.xattr.user.overlay.opaque", "y");
            d.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/etc");
            d.addPaxHeader("LIBARCHIVE.xattr.trusted.overlay.opaque", "eQ==");
            d.addPaxHeader("SCHILY.xattr.user.kept", "k");
            t.put(d, new byte[0]);
            var f = new TarArchiveEntry("var/f");
            f.setMode(0100755);
            f.setSize(0);
            f.addPaxHeader("SCHILY.xattr.trusted.overlay.metacopy", "");
            f.addPaxHeader("SCHILY.xattr.trusted.overlay.origin", "x");
            f.addPaxHeader("SCHILY.xattr.user.overlay.whiteout", "y");
            f.addPaxHeader("SCHILY.xattr.trusted.other", "t");
            // file capabilities (VFS_CAP_REVISION_2, cap_net_bind_service permitted): legitimate, kept
            f.addPaxHeader("SCHILY.xattr.security.capability", "\u0001\u0000\u0000\u0002\u0000\u0004\u0000\u0000"
                    + "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000");
            t.put(f, new byte[0]);
        });
        assertThat(xattrNames(dir.resolve("var"))).containsExactly("user.kept");
        assertThat(xattrNames(dir.resolve("var/f"))).containsExactly("security.capability");
    }

    /**
     * setfattr(1) decodes backslash-octal escapes in an attribute name ({@code \\164} is {@code t}): a name the filter
     * saw as something else must not reach the file as {@code trusted.overlay.*} or {@code user.overlay.*} (it is
     * written as spelled, which no namespace accepts, so the layer is refused), and a name that really holds a
     * backslash keeps it.
     */
    @Test
    void xattrNamesSpelledWithOctalEscapesStayWhatTheFilterSaw() throws Exception {
        assumeTrue(isRoot(), "trusted.* attributes need root");
        for (String name : List.of("\\164rusted.overlay.opaque", "\\165ser.overlay.opaque", "trusted\\056overlay.opaque")) {
            Path dir = Files.createTempDirectory(tmp, "esc");
            try {
                new LayerUnpacker(1L << 30, 10_000).unpack(new ByteArrayInputStream(Fixtures.tar(t -> {
                    var d = new TarArchiveEntry("var/");
                    d.setMode(040755);
                    d.addPaxHeader("SCHILY.xattr." + name, "y");
                    t.put(d, new byte[0]);
                })), dir, "L1");
            } catch (ContainerException refused) {
                assertThat(refused).hasMessageContaining("var/");
            }
            if (Files.exists(dir.resolve("var"))) {
                assertThat(xattrNames(dir.resolve("var"))).as(name)
                        .noneMatch(n -> n.startsWith("trusted.") || n.startsWith("user.overlay."));
            }
        }
        Path dir = unpackFileWithXattr("security.back\\slash", "b");
        assertThat(xattr(dir.resolve("f"), "security.back\\slash")).isEqualTo("b");
    }

    /** Every xattr name of a file, all namespaces (getfattr -m -). */
    static java.util.List<String> xattrNames(Path p) throws Exception {
        Process pr = new ProcessBuilder("getfattr", "-h", "--absolute-names", "-m", "-", p.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        pr.waitFor();
        return out.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).sorted().toList();
    }

    static String xattr(Path p, String name) throws Exception {
        Process pr = new ProcessBuilder("getfattr", "-h", "--absolute-names", "--only-values", "-n", name,
                p.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(pr.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void dotDotNameIsRefused() {
        assertRefused(t -> t.file("../escaped", "x"), "../escaped", "'..'");
        assertThat(tmp.resolve("escaped")).doesNotExist();
    }

    @Test
    void absoluteNameIsRefused() throws IOException {
        Path outside = tmp.resolve("abs-escaped");
        assertRefused(t -> {
            var e = new TarArchiveEntry(outside.toString(), true);
            e.setMode(0100644);
            e.setSize(1);
            t.put(e, new byte[] {'x'});
        }, outside.toString(), "absolute path");
        assertThat(outside).doesNotExist();
    }

    @Test
    void fileThroughAnEarlierSymlinkIsRefused() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        assertRefused(t -> t.symlink("evil", outside.toString()).file("evil/planted", "x"), "evil/planted",
                "symbolic link");
        assertThat(outside.resolve("planted")).doesNotExist();
    }

    @Test
    void fileReplacingASymlinkDoesNotWriteThroughIt() throws IOException {
        Path outside = Files.writeString(tmp.resolve("victim"), "original");
        Path dir = unpack(t -> t.symlink("f", outside.toString()).file("f", "replaced"));
        assertThat(outside).hasContent("original");
        assertThat(Files.isSymbolicLink(dir.resolve("f"))).isFalse();
        assertThat(dir.resolve("f")).hasContent("replaced");
    }

    @Test
    void aDirectoryReplacedByASymlinkIsNotWrittenThroughLater() throws IOException {
        // The unpacker remembers directories it made; a later entry replacing one must make it forget.
        Path outside = Files.createDirectories(tmp.resolve("outside3"));
        assertRefused(t -> t.dir("d").file("d/first", "1").symlink("d", outside.toString()).file("d/planted", "x"),
                "d/planted", "symbolic link");
        assertThat(outside.resolve("planted")).doesNotExist();
    }

    /**
     * Red team: a directory's mode and times are set after the whole tar, so a later entry that turns one of its
     * parents into a link to the host must not lead that chmod out of the layer (it made a host directory such as
     * {@code /etc} mode 07777).
     */
    @Test
    void aDirectoryModeSetAtTheEndDoesNotFollowALinkThatReplacedItsParent() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("host"));
        Path victim = Files.createDirectories(outside.resolve("victim"));
        Files.setAttribute(victim, "unix:mode", 0700);
        FileTime before = Files.getLastModifiedTime(victim);
        Path dir = unpack(t -> t.dir("a").put(dirEntry("a/victim", 07777), null).symlink("a", outside.toString()));
        assertThat((Integer) Files.getAttribute(victim, "unix:mode") & 07777).isEqualTo(0700);
        assertThat(Files.getLastModifiedTime(victim)).isEqualTo(before);
        assertThat(Files.readSymbolicLink(dir.resolve("a"))).isEqualTo(outside);
    }

    /** Held: a whiteout names a file beside it, never its directory, the parent or the layer root. */
    @Test
    void aWhiteoutOfTheDirectoryItselfOrItsParentIsRefused() throws IOException {
        Path outside = Files.writeString(tmp.resolve("kept"), "k");
        assertRefused(t -> t.file(".wh..", ""), ".wh..", "a whiteout must name a file");
        assertRefused(t -> t.dir("d").file("d/.wh...", ""), "d/.wh...", "a whiteout must name a file");
        assertRefused(t -> t.file(".wh.", ""), ".wh.", "a whiteout must name a file");
        assertThat(outside).hasContent("k");
        assertThat(tmp.resolve("layer")).isDirectory();
    }

    @Test
    void aDirectoryReplacedByAFileIsNoParentLater() throws IOException {
        assertRefused(t -> t.dir("d").file("d/first", "1").file("d", "now a file").file("d/second", "2"),
                "d/second", "is not a directory");
    }

    @Test
    void aDirectoryRemovedByAWhiteoutIsMadeAgainForALaterEntry() throws IOException {
        assumeTrue(isRoot(), "whiteouts are device nodes");
        Path dir = unpack(t -> t.dir("d").file("d/first", "1").file(".wh.d", "").dir("d").file("d/second", "2"));
        assertThat(dir.resolve("d/second")).hasContent("2");
        assertThat(dir.resolve("d/first")).doesNotExist();
    }

    @Test
    void permissionBitsTheUmaskWouldDropAreSetAnyway() throws IOException {
        Path dir = unpack(t -> t.file("open", "o", 0666).file("setuid", "s", 04755).file("plain", "p", 0644)
                .put(dirEntry("shared", 0777), null).put(dirEntry("sticky", 01777), null));
        assertThat((Integer) Files.getAttribute(dir.resolve("open"), "unix:mode") & 07777).isEqualTo(0666);
        assertThat((Integer) Files.getAttribute(dir.resolve("setuid"), "unix:mode") & 07777).isEqualTo(04755);
        assertThat((Integer) Files.getAttribute(dir.resolve("plain"), "unix:mode") & 07777).isEqualTo(0644);
        assertThat((Integer) Files.getAttribute(dir.resolve("shared"), "unix:mode") & 07777).isEqualTo(0777);
        assertThat((Integer) Files.getAttribute(dir.resolve("sticky"), "unix:mode") & 07777).isEqualTo(01777);
    }

    private static TarArchiveEntry dirEntry(String name, int mode) {
        var e = new TarArchiveEntry(name + "/");
        e.setMode(040000 | mode);
        return e;
    }

    @Test
    void hardLinkToOutsideIsRefused() throws IOException {
        Files.writeString(tmp.resolve("secret"), "s");
        assertRefused(t -> t.hardlink("h", "../secret"), "h", "'..'");
        assertRefused(t -> t.hardlink("h2", "/etc/passwd"), "h2", "absolute path");
    }

    @Test
    void hardLinkThroughASymlinkIsRefused() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside2"));
        Files.writeString(outside.resolve("secret"), "s");
        assertRefused(t -> t.symlink("to", outside.toString()).hardlink("h", "to/secret"), "h", "symbolic link");
    }

    @Test
    void tooManyEntriesIsAResourceLimit() {
        var small = new LayerUnpacker(1L << 30, 3);
        assertThatThrownBy(() -> unpack(small, t -> {
            for (int i = 0; i < 10; i++) {
                t.file("f" + i, "x");
            }
        })).isInstanceOfSatisfying(ContainerException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT);
            assertThat(e.getMessage()).contains("L1", "more than 3 entries");
        });
    }

    @Test
    void tooManyBytesIsAResourceLimit() {
        var small = new LayerUnpacker(64 * 1024, 1000);
        assertThatThrownBy(() -> unpack(small, t -> t.file("zeros", "\0".repeat(1 << 20))))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT);
                    assertThat(e.getMessage()).contains("L1", "zeros");
                });
    }

    /**
     * Red team: a GNU sparse entry stores only its data, and the tar reader hands its holes out as zeros, which were
     * written to disk: a tar of a few KiB became 2 GiB per entry, past the cap on the tar's bytes. The bytes
     * written count against the cap too.
     */
    @Test
    void aSparseEntryCannotWriteMoreThanTheByteCap() throws IOException {
        var small = new LayerUnpacker(1 << 20, 1000);
        Path dir = Files.createDirectories(tmp.resolve("layer"));
        byte[] tar = Fixtures.gnuSparse("holes", 256L << 20, "tail\n");
        assertThat(tar.length).isLessThan(4096);
        assertThatThrownBy(() -> small.unpack(new ByteArrayInputStream(tar), dir, "L1"))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT);
                    assertThat(e.getMessage()).contains("L1", "holes", "1048576");
                });
        assertThat(Files.exists(dir.resolve("holes")) ? Files.size(dir.resolve("holes")) : 0L).isLessThanOrEqualTo(2L << 20);

        // Within the cap a sparse entry unpacks whole: the data lands at its offset.
        Path ok = unpack(t -> { });
        new LayerUnpacker(1 << 20, 1000).unpack(new ByteArrayInputStream(Fixtures.gnuSparse("small", 4096, "end")), ok, "L2");
        byte[] got = Files.readAllBytes(ok.resolve("small"));
        assertThat(got).hasSize(4096);
        assertThat(new String(got, 4093, 3, StandardCharsets.US_ASCII)).isEqualTo("end");
    }

    /**
     * Red team: a GNU long name ({@code L}) or a PAX header ({@code x}) is read whole into memory by the tar reader
     * before the entry it describes: 512 MiB of name (2.3 MB gzipped) ran a JVM with a 2 GiB heap out of memory.
     * An entry's headers may take 1 MiB (as Go's archive/tar allows); past that the layer is refused before more
     * is read.
     */
    @Test
    void anEntrysHeadersAreNotReadIntoMemoryPastOneMebibyte() {
        byte[] name = "a".repeat(16 << 20).getBytes(StandardCharsets.US_ASCII);
        byte[] pax = Fixtures.paxRecord("path", "b".repeat(16 << 20));
        for (byte[] tar : java.util.List.of(Fixtures.specialHeader('L', name), Fixtures.specialHeader('x', pax))) {
            var source = new ByteArrayInputStream(tar);
            assertThatThrownBy(() -> new LayerUnpacker(1L << 30, 1000).unpack(source, Files.createDirectories(tmp.resolve("layer")), "L1"))
                    .isInstanceOfSatisfying(ContainerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT);
                        assertThat(e.getMessage()).contains("L1", "1048576 bytes of headers");
                    });
            assertThat(tar.length - source.available()).as("bytes read of the tar").isLessThan(2 << 20);
        }
        // Long names and PAX records of ordinary size still work.
        Path dir = tmp.resolve("ok");
        String longName = "d".repeat(200) + "/" + "f".repeat(200);
        assertThat(dir.toFile().mkdirs()).isTrue();
        new LayerUnpacker(1L << 30, 1000).unpack(new ByteArrayInputStream(Fixtures.tar(t -> t.dir("d".repeat(200)).file(longName, "long"))), dir, "L2");
        assertThat(dir.resolve(longName)).hasContent("long");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void fifoIsMadeWithoutOpeningIt() throws IOException {
        Path dir = unpack(t -> {
            var e = new TarArchiveEntry("pipe", TarConstants.LF_FIFO);
            e.setMode(010644);
            t.put(e, null);
        });
        assertThat((Integer) Files.getAttribute(dir.resolve("pipe"), "unix:mode") & 0170000).isEqualTo(0010000);
    }

    private void assertRefused(Consumer<Fixtures.Tar> entries, String entry, String why) {
        assertThatThrownBy(() -> {
            Path dir = tmp.resolve("layer");
            if (Files.exists(dir)) {
                dev.containerv.spi.FileTrees.deleteTree(dir);
            }
            unpack(entries);
        }).isInstanceOfSatisfying(ContainerException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
            assertThat(e.getMessage()).contains("layer L1", "entry " + entry, why);
        });
    }
}
