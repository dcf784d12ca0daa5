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

    /** A copy the rule refuses: a file/directory clash, or a trailing-separator destination that is no directory. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean missing;

        Refused(String message, boolean missing) {
            super(message);
            this.missing = missing;
        }
    }

    /**
     * Copies {@code source} to {@code dest} by the {@code cp -r} / {@code docker cp} rule of {@code Container.upload}:
     * an existing directory at {@code dest} (not a link) receives the source as {@code dest/<name>}; then a
     * directory merges into a directory, a file or link replaces a file or link, and any other clash is refused.
     * FIFOs, sockets and devices are skipped. With {@code mustBeDirectory} (a trailing separator) {@code dest} must
     * be an existing directory.
     */
    static void copyByTheRule(Path source, Path dest, boolean mustBeDirectory, boolean keepModes) throws IOException {
        Path target = dest;
        if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
            target = dest.resolve(source.getFileName().toString());
        } else if (mustBeDirectory) {
            throw new Refused(dest + (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) ? " is not a directory (errno ENOTDIR)"
                    : " does not exist (errno ENOENT)") + "; a destination ending in a separator must be a directory", !Files.exists(dest, LinkOption.NOFOLLOW_LINKS));
        }
        merge(source, target, keepModes);
    }

    private static void merge(Path source, Path target, boolean keepModes) throws IOException {
        boolean sourceIsDir = Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS);
        if (!sourceIsDir && !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(source)) {
            return; // FIFO, socket, device: skipped
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            boolean targetIsDir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
            if (sourceIsDir && !targetIsDir) {
                throw new Refused(target + " is not a directory, and a directory never replaces a file (errno ENOTDIR)", false);
            }
            if (!sourceIsDir && targetIsDir) {
                throw new Refused(target + " is a directory, and a file never replaces one (errno EISDIR)", false);
            }
            if (sourceIsDir) {
                try (var children = Files.list(source)) {
                    for (Path child : (Iterable<Path>) children::iterator) {
                        merge(child, target.resolve(child.getFileName().toString()), keepModes);
                    }
                }
                return;
            }
            Files.delete(target);
        }
        if (sourceIsDir) {
            Files.createDirectory(target);
            try (var children = Files.list(source)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    merge(child, target.resolve(child.getFileName().toString()), keepModes);
                }
            }
            if (keepModes) {
                Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source, LinkOption.NOFOLLOW_LINKS));
            }
            return;
        }
        copyOne(source, target, keepModes);
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
