package dev.containerv.spi;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Removal of host file trees for providers: state directories, staging folders, test root file systems.
 *
 * <p>A container's files are written by the container, so a tree a provider removes may hold symbolic links to
 * anywhere on the host, including {@code /}. {@link #deleteTree(Path)} removes such a link and never what it
 * points to.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Removes a file, a symbolic link or a directory with everything in it, never following a symbolic link
     * (neither {@code path} itself nor any link inside: the links are removed, their targets are left alone).
     * A path that does not exist, or an entry that disappears while the tree is removed (another cleanup racing
     * this one), is not an error.
     *
     * @throws IOException the first entry that could not be removed (a busy mount point, a read-only file system,
     *                     a directory without write permission), with its path; what could be removed before it is gone
     */
    public static void deleteTree(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // walkFileTree does not follow links unless FOLLOW_LINKS is given: a link, even to a directory, is
        // visited as a file, so it is the link that is deleted.
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
