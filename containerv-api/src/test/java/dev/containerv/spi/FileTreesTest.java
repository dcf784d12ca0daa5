package dev.containerv.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @Test
    void removesATreeAndItsLinksButNeverWhatTheyPointTo(@TempDir Path dir) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious.txt"), "keep me");
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("file.txt"), "x");
        Files.createSymbolicLink(tree.resolve("to-dir"), outside);
        Files.createSymbolicLink(tree.resolve("to-file"), precious);
        Files.createSymbolicLink(tree.resolve("dangling"), dir.resolve("nowhere"));

        FileTrees.deleteTree(dir.resolve("tree"));

        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(precious).hasContent("keep me");
    }

    @Test
    void aLinkGivenAsTheTreeIsRemovedItself(@TempDir Path dir) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("precious.txt"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("link"), outside);

        FileTrees.deleteTree(link);

        assertThat(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(outside.resolve("precious.txt")).hasContent("keep me");
    }

    @Test
    void aFileOrAMissingPathIsFine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        FileTrees.deleteTree(file);
        assertThat(file).doesNotExist();
        FileTrees.deleteTree(dir.resolve("never-was"));
    }
}
