package dev.containerv.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A copy of this JVM's test class path that any user can read: the worktree's {@code target} directories and the
 * jars of a root-only {@code ~/.m2} are not readable by the rootless suite's user. Directories become 0755, files
 * 0644 (0755 where executable, such as the native helper packed in {@code target/classes}); the copy belongs to
 * root, so the user can read it and change nothing.
 */
public final class ReadableClasspath {
    private ReadableClasspath() {
    }

    /** The entries of this JVM's test class path: Surefire's real one when it runs us through a manifest-only jar. */
    public static List<Path> entries() {
        Set<String> cp = new LinkedHashSet<>();
        cp.add(Path.of("target/test-classes").toAbsolutePath().toString());
        cp.add(Path.of("target/classes").toAbsolutePath().toString());
        String surefire = System.getProperty("surefire.test.class.path");
        String plain = System.getProperty("java.class.path");
        for (String v : new String[] {surefire != null && !surefire.isBlank() ? surefire : plain}) {
            if (v != null) {
                for (String e : v.split(File.pathSeparator)) {
                    if (!e.isBlank() && !e.contains("surefirebooter")) {
                        cp.add(Path.of(e).toAbsolutePath().toString());
                    }
                }
            }
        }
        List<Path> out = new ArrayList<>();
        for (String e : cp) {
            Path p = Path.of(e);
            if (Files.exists(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Copies {@code entries} into {@code dir} (made here) and returns the copies in the same order. */
    public static List<Path> copy(List<Path> entries, Path dir) throws IOException {
        Files.createDirectories(dir);
        readable(dir, true);
        List<Path> copies = new ArrayList<>();
        int n = 0;
        for (Path e : entries) {
            Path target = dir.resolve(String.format("%03d-%s", n++, e.getFileName()));
            if (Files.isDirectory(e)) {
                copyTree(e, target);
            } else {
                Files.copy(e, target, StandardCopyOption.COPY_ATTRIBUTES);
                readable(target, false);
            }
            copies.add(target);
        }
        return copies;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Path t = to.resolve(from.relativize(d).toString());
                Files.createDirectories(t);
                readable(t, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Path t = to.resolve(from.relativize(f).toString());
                    Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES);
                    readable(t, Files.isExecutable(f));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void readable(Path p, boolean executable) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }
}
