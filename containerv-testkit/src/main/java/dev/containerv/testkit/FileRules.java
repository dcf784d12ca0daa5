package dev.containerv.testkit;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static dev.containerv.testkit.ConformanceSupport.RANDOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code files} area of the conformance suite. Copying files and trees into and out of a container, with
 * their modes, and never through a link onto the host. Implemented by {@link ContainerConformanceSuite}; see
 * {@link ConformanceRules} for the names.
 */
public interface FileRules extends ConformanceRules {
    @Test
    default void optional_files_aFileUploadedIsSeenByProcesses() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path src = tck().hostTempDir().resolve("hello.txt");
        Files.writeString(src, "uploaded text\n");
        String target = tck().scratchPath("hello");
        tck().shared().upload(src, target);
        assertThat(tck().exec(tck().shared(), tck().fixture().readFile(target)).stdout()).isEqualTo("uploaded text\n");
    }

    @Test
    default void optional_files_aFileWrittenInTheContainerDownloads() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String source = tck().scratchPath("made-inside");
        assertThat(tck().exec(tck().shared(), tck().fixture().writeFile(source, "made inside\n")).exitCode()).isZero();
        Path dst = tck().hostTempDir().resolve("down.txt");
        tck().shared().download(source, dst);
        assertThat(Files.readString(dst)).isEqualTo("made inside\n");
    }

    @Test
    default void optional_files_treesRoundTripWithEmptyFilesAndDirectories() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path tree = tck().hostTempDir().resolve("tree");
        Files.createDirectories(tree.resolve("a/b/c"));
        Files.createDirectories(tree.resolve("empty-dir"));
        Files.writeString(tree.resolve("top.txt"), "top");
        Files.writeString(tree.resolve("a/b/c/deep.txt"), "deep");
        Files.write(tree.resolve("a/empty.bin"), new byte[0]);
        for (int i = 0; i < 50; i++) {
            Files.writeString(tree.resolve("a/f" + i), "file " + i);
        }
        String target = tck().scratchPath("tree");
        tck().shared().upload(tree, target);
        assertThat(tck().exec(tck().shared(), tck().fixture().readFile(tck().fixture().path(tck().fixture().path(tck().fixture().path(tck().fixture().path(target, "a"), "b"), "c"), "deep.txt"))).stdout())
                .isEqualTo("deep");
        Path back = tck().hostTempDir().resolve("back");
        tck().shared().download(target, back);
        assertSameTree(tree, back);
    }

    @Test
    default void optional_files_aLargeBinaryRoundTripsByteForByte() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        byte[] data = new byte[12 << 20];
        RANDOM.nextBytes(data);
        Path src = tck().hostTempDir().resolve("blob.bin");
        Files.write(src, data);
        String target = tck().scratchPath("blob");
        tck().shared().upload(src, target);
        Path back = tck().hostTempDir().resolve("blob.back");
        tck().shared().download(target, back);
        assertThat(Files.readAllBytes(back)).isEqualTo(data);
    }

    @Test
    default void optional_files_modesAreKept() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        tck().requiresGuest(GuestOs.LINUX);
        Path dir = tck().hostTempDir();
        Path script = dir.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "s");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        String scriptTarget = tck().scratchPath("run");
        String secretTarget = tck().scratchPath("secret");
        tck().shared().upload(script, scriptTarget);
        tck().shared().upload(secret, secretTarget);
        assertThat(tck().exec(tck().shared(), tck().fixture().printMode(scriptTarget)).stdout().strip()).isEqualTo("750");
        assertThat(tck().exec(tck().shared(), tck().fixture().printMode(secretTarget)).stdout().strip()).isEqualTo("600");
        assertThat(tck().exec(tck().shared(), ProcessSpec.builder(scriptTarget)).stdout()).isEqualTo("ran\n");
        Path back = dir.resolve("run.back");
        tck().shared().download(scriptTarget, back);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back))).isEqualTo("rwxr-x---");
    }

    @Test
    default void optional_files_uploadOfAMissingSourceIsNotFound() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path missing = tck().hostTempDir().resolve("missing.txt");
        assertThatThrownBy(() -> tck().shared().upload(missing, tck().scratchPath("x")))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("missing.txt");
    }

    @Test
    default void optional_files_downloadOfAMissingSourceIsNotFound() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String missing = tck().scratchPath("missing");
        Path dst = tck().hostTempDir().resolve("never");
        assertThatThrownBy(() -> tck().shared().download(missing, dst))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining(missing);
        assertThat(dst).doesNotExist();
    }

    @Test
    default void optional_files_uploadIntoAMissingContainerDirectoryFailsClearly() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path src = tck().hostTempDir().resolve("f.txt");
        Files.writeString(src, "f");
        String target = tck().fixture().path(tck().scratchPath("no-such-dir"), "f.txt");
        assertThatThrownBy(() -> tck().shared().upload(src, target)).isInstanceOf(ContainerException.class).hasMessageContaining("no-such-dir");
    }

    @Test
    default void optional_files_aRelativeContainerPathIsInvalidSpec() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path src = tck().hostTempDir().resolve("f.txt");
        Files.writeString(src, "f");
        assertThatThrownBy(() -> tck().shared().upload(src, "relative/path"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("relative/path");
    }

    @Test
    default void optional_files_uploadOntoAContainerSymlinkToAHostPathLeavesTheHostFileAlone() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        tck().requiresGuest(GuestOs.LINUX);
        Path hostFile = tck().hostTempDir().resolve("host-secret.txt");
        Files.writeString(hostFile, "host original");
        String link = tck().scratchPath("escape");
        assertThat(tck().exec(tck().shared(), tck().fixture().createSymlink(hostFile.toString(), link)).exitCode()).isZero();
        Path payload = tck().hostTempDir().resolve("payload.txt");
        Files.writeString(payload, "attacker");
        try {
            tck().shared().upload(payload, link);
        } catch (ContainerException refused) {
            // Refusing is as good as replacing the link: the host file must stay untouched either way.
        }
        assertThat(Files.readString(hostFile)).isEqualTo("host original");
    }

    @Test
    default void optional_files_uploadIntoADirectoryThatIsASymlinkOutsideStaysInside() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        tck().requiresGuest(GuestOs.LINUX);
        Path hostDir = tck().hostTempDir();
        String link = tck().scratchPath("dir-escape");
        assertThat(tck().exec(tck().shared(), tck().fixture().createSymlink(hostDir.toString(), link)).exitCode()).isZero();
        Path payload = tck().hostTempDir().resolve("payload.txt");
        Files.writeString(payload, "attacker");
        try {
            tck().shared().upload(payload, link + "/planted.txt");
        } catch (ContainerException refused) {
            // fine: nothing may appear on the host
        }
        assertThat(hostDir.resolve("planted.txt")).doesNotExist();
    }

    @Test
    default void optional_files_downloadOfASymlinkToAHostPathDoesNotLeakTheHostFile() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        tck().requiresGuest(GuestOs.LINUX);
        Path hostFile = tck().hostTempDir().resolve("host-only.txt");
        Files.writeString(hostFile, "host secret");
        String link = tck().scratchPath("leak");
        assertThat(tck().exec(tck().shared(), tck().fixture().createSymlink(hostFile.toString(), link)).exitCode()).isZero();
        Path dst = tck().hostTempDir().resolve("leak.out");
        try {
            tck().shared().download(link, dst);
        } catch (ContainerException refused) {
            return;
        }
        if (Files.isSymbolicLink(dst)) {
            return; // copied as a link, not followed
        }
        assertThat(Files.exists(dst) ? Files.readString(dst) : "").doesNotContain("host secret");
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        List<Path> want;
        try (var s = Files.walk(expected)) {
            want = s.map(expected::relativize).sorted().toList();
        }
        List<Path> got;
        try (var s = Files.walk(actual)) {
            got = s.map(actual::relativize).sorted().toList();
        }
        assertThat(got).isEqualTo(want);
        for (Path rel : want) {
            Path e = expected.resolve(rel);
            if (Files.isRegularFile(e)) {
                assertThat(Files.readAllBytes(actual.resolve(rel))).as(rel.toString()).isEqualTo(Files.readAllBytes(e));
            }
        }
    }
}
