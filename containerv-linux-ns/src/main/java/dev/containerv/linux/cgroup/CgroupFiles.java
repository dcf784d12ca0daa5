package dev.containerv.linux.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The file operations the cgroup code performs, so tests can run it against a temp-dir tree that behaves
 * like the kernel's cgroup file systems (and fail on purpose). {@link #HOST} is the real file system.
 *
 * <p>A write never creates a file: on cgroupfs a missing interface file means the controller is not there,
 * and a fake tree must fail the same way.
 */
public interface CgroupFiles {
    /** The real file system. */
    CgroupFiles HOST = new CgroupFiles() {
    };

    /** The whole content of a file. */
    default String read(Path file) throws IOException {
        return Files.readString(file);
    }

    /** Writes {@code value} into an existing file with one {@code write}. */
    default void write(Path file, String value) throws IOException {
        // TRUNCATE_EXISTING is ignored by cgroupfs and needed by a plain file standing in for one.
        Files.write(file, value.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** {@code true} if the file or directory exists (a symbolic link is not followed). */
    default boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** Creates one directory; fails with {@link java.nio.file.FileAlreadyExistsException} if it exists. */
    default void mkdir(Path dir) throws IOException {
        Files.createDirectory(dir);
    }

    /** Removes one cgroup directory (on cgroupfs its interface files go with it). */
    default void rmdir(Path dir) throws IOException {
        Files.delete(dir);
    }

    /** The subdirectories of {@code dir} (child cgroups); empty if {@code dir} does not exist. */
    default List<Path> children(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }
}
