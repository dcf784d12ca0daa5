package dev.containerv.testkit.reference;

import dev.containerv.spi.FileTrees;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** File tree copies that never follow symbolic links, and the toolkit's removal. */
final class Trees {
    private Trees() {
    }

    /**
     * Copies {@code source} (file, link or tree) to {@code target}, which must not exist. Links are copied as
     * links; with {@code keepModes} permission bits are kept, otherwise files get the defaults.
     */
    static void copy(Path source, Path target, boolean keepModes) throws IOException {
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            copyOne(source, target, keepModes);
            return;
        }
        List<Path[]> directories = new ArrayList<>();
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path to = target.resolve(source.relativize(dir).toString());
                Files.createDirectory(to);
                directories.add(new Path[] {dir, to});
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                copyOne(file, target.resolve(source.relativize(file).toString()), keepModes);
                return FileVisitResult.CONTINUE;
            }
        });
        if (keepModes) {
            // Directory modes last, so a read-only directory does not stop its own contents being written.
            for (Path[] d : directories) {
                Files.setPosixFilePermissions(d[1], Files.getPosixFilePermissions(d[0], LinkOption.NOFOLLOW_LINKS));
            }
        }
    }

    private static void copyOne(Path source, Path target, boolean keepModes) throws IOException {
        if (Files.isSymbolicLink(source)) {
            Files.createSymbolicLink(target, Files.readSymbolicLink(source));
        } else if (keepModes) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } else {
            try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
                 OutputStream out = Files.newOutputStream(target)) {
                in.transferTo(out);
            }
        }
    }

    /** Removes a file, link or tree with {@link FileTrees#deleteTree}; a missing path is fine. */
    static void delete(Path path) {
        try {
            FileTrees.deleteTree(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot remove " + path, e);
        }
    }
}
