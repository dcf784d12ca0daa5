package dev.containerv.testkit;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code files} area, part two: where a copy goes. Every provider follows the rule of {@code cp -r} and
 * {@code docker cp} that {@link Container#upload} documents, in both directions: a file replaces a file, a missing
 * destination becomes the copy, an existing directory receives the source inside it under the source's name (and
 * merges when that name is a directory there too), a directory never replaces a file, and a destination written
 * with a trailing separator must be an existing directory. Implemented by {@link ContainerConformanceSuite}; see
 * {@link ConformanceRules} for the names.
 */
public interface CopyRules extends ConformanceRules {

    // ---- upload ----

    @Test
    default void optional_files_uploadOfAFileOntoAFileReplacesIt() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String target = tck().scratchPath("file-on-file");
        tck().shared().upload(hostFile("old.txt", "old content that is longer"), target);
        tck().shared().upload(hostFile("new.txt", "new"), target);
        assertThat(read(target)).isEqualTo("new");
    }

    @Test
    default void optional_files_uploadOfAFileIntoAnExistingDirectoryPutsItInside() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String dir = containerDirectory("file-into-dir");
        tck().shared().upload(hostFile("report.txt", "inside"), dir);
        assertThat(read(tck().fixture().path(dir, "report.txt"))).isEqualTo("inside");
    }

    @Test
    default void optional_files_uploadOfADirectoryToANewPathCreatesItWithTheContents() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String target = tck().scratchPath("dir-new");
        tck().shared().upload(hostTree("build"), target);
        assertThat(read(tck().fixture().path(target, "a.txt"))).isEqualTo("a");
        assertThat(read(tck().fixture().path(tck().fixture().path(target, "sub"), "b.txt"))).isEqualTo("b");
        assertThat(exists(tck().fixture().path(target, "build"))).as("no nesting into a new path").isFalse();
    }

    @Test
    default void optional_files_uploadOfADirectoryIntoAnExistingDirectoryNestsItThenMerges() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String dir = containerDirectory("dir-into-dir");
        Path build = hostTree("build");
        tck().shared().upload(build, dir);
        String nested = tck().fixture().path(dir, "build");
        assertThat(read(tck().fixture().path(nested, "a.txt"))).isEqualTo("a");
        assertThat(exists(tck().fixture().path(dir, "a.txt"))).as("the contents are not spread into the directory").isFalse();

        // Again, with one file changed and one added: dir/build exists now and the trees merge.
        Files.writeString(build.resolve("a.txt"), "a2");
        Files.writeString(build.resolve("c.txt"), "c");
        tck().shared().upload(build, dir);
        assertThat(read(tck().fixture().path(nested, "a.txt"))).isEqualTo("a2");
        assertThat(read(tck().fixture().path(nested, "c.txt"))).isEqualTo("c");
        assertThat(exists(tck().fixture().path(nested, "build"))).as("a second upload does not nest twice").isFalse();
    }

    @Test
    default void optional_files_uploadOfADirectoryOntoAFileIsRefused() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String target = tck().scratchPath("dir-on-file");
        tck().shared().upload(hostFile("plain.txt", "plain"), target);
        assertThatThrownBy(() -> tck().shared().upload(hostTree("build"), target))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        assertThat(read(target)).isEqualTo("plain");
    }

    @Test
    default void optional_files_uploadToAMissingPathWithATrailingSeparatorIsNotFound() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String missing = tck().scratchPath("missing-dir");
        String sep = missing.contains("\\") ? "\\" : "/";
        assertThatThrownBy(() -> tck().shared().upload(hostFile("f.txt", "f"), missing + sep))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("missing-dir");
        assertThat(exists(missing)).as("nothing created at " + missing).isFalse();
    }

    // ---- download ----

    @Test
    default void optional_files_downloadOfAFileOntoAFileReplacesIt() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String source = tck().scratchPath("down-file");
        tck().shared().upload(hostFile("src.txt", "fresh"), source);
        Path dst = hostFile("existing.txt", "stale content that is longer");
        tck().shared().download(source, dst);
        assertThat(Files.readString(dst)).isEqualTo("fresh");
    }

    @Test
    default void optional_files_downloadOfAFileIntoAnExistingDirectoryPutsItInside() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String source = tck().scratchPath("down-into");
        tck().shared().upload(hostFile("src.txt", "into"), source);
        Path dir = tck().hostTempDir();
        tck().shared().download(source, dir);
        assertThat(Files.readString(dir.resolve(lastName(source)))).isEqualTo("into");
    }

    @Test
    default void optional_files_downloadOfADirectoryToANewPathCreatesItWithTheContents() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String source = tck().scratchPath("down-dir");
        tck().shared().upload(hostTree("build"), source);
        Path dst = tck().hostTempDir().resolve("out");
        tck().shared().download(source, dst);
        assertThat(Files.readString(dst.resolve("a.txt"))).isEqualTo("a");
        assertThat(Files.readString(dst.resolve("sub").resolve("b.txt"))).isEqualTo("b");
    }

    @Test
    default void optional_files_downloadOfADirectoryIntoAnExistingDirectoryNestsItThenMerges() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String source = tck().scratchPath("down-nest");
        tck().shared().upload(hostTree("build"), source);
        Path dir = tck().hostTempDir();
        Files.writeString(dir.resolve("keep.txt"), "mine");
        tck().shared().download(source, dir);
        Path nested = dir.resolve(lastName(source));
        assertThat(Files.readString(nested.resolve("a.txt"))).isEqualTo("a");
        assertThat(dir.resolve("a.txt")).as("the contents are not spread into the directory").doesNotExist();
        assertThat(Files.readString(dir.resolve("keep.txt"))).isEqualTo("mine");

        Files.writeString(nested.resolve("local-only.txt"), "local");
        tck().shared().download(source, dir);
        assertThat(Files.readString(nested.resolve("local-only.txt"))).as("a merge keeps what only the destination has").isEqualTo("local");
        assertThat(nested.resolve(lastName(source))).as("a second download does not nest twice").doesNotExist();
    }

    @Test
    default void optional_files_downloadOfADirectoryOntoAFileIsRefused() throws IOException {
        tck().requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String source = tck().scratchPath("down-clash");
        tck().shared().upload(hostTree("build"), source);
        Path file = hostFile("plain.txt", "plain");
        assertThatThrownBy(() -> tck().shared().download(source, file))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        assertThat(Files.readString(file)).isEqualTo("plain");
    }

    // ---- what the rules above share ----

    private Path hostFile(String name, String content) throws IOException {
        Path f = tck().hostTempDir().resolve(name);
        Files.writeString(f, content);
        return f;
    }

    /** A host tree {@code name/} with {@code a.txt} ("a") and {@code sub/b.txt} ("b"). */
    private Path hostTree(String name) throws IOException {
        Path dir = tck().hostTempDir().resolve(name);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("a.txt"), "a");
        Files.writeString(dir.resolve("sub").resolve("b.txt"), "b");
        return dir;
    }

    /** An empty container directory, made by uploading an empty host directory to a new path. */
    private String containerDirectory(String prefix) throws IOException {
        String dir = tck().scratchPath(prefix);
        tck().shared().upload(Files.createDirectory(tck().hostTempDir().resolve("empty")), dir);
        return dir;
    }

    private String read(String containerPath) {
        var r = tck().exec(tck().shared(), tck().fixture().readFile(containerPath));
        assertThat(r.exitCode()).as("reading " + containerPath + ": " + r.stderr()).isZero();
        return r.stdout();
    }

    private boolean exists(String containerPath) {
        return tck().exec(tck().shared(), tck().fixture().pathExists(containerPath)).exitCode() == 0;
    }

    private static String lastName(String containerPath) {
        return containerPath.substring(Math.max(containerPath.lastIndexOf('/'), containerPath.lastIndexOf('\\')) + 1);
    }
}
