package dev.containerv.linux.helper;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The extracted helpers' cache: each JVM that uses an extracted helper holds a shared lock on the {@code lock} file in
 * its {@code helper-<hash>} directory for as long as it lives, and removes the other {@code helper-*} directories of
 * the same cache that nobody holds. A directory without a {@code lock} file was extracted by a version that did not
 * lock; it is removed only when its helper is more than {@link #LEGACY_AGE} old, since a JVM of that version could
 * still be about to run it. A directory changed in the last {@link #SETTLING} is left alone either way: another JVM
 * may be extracting into it and not yet hold its lock. Removing a helper that a running container's supervisor
 * executes is harmless (the process keeps its file); nothing runs an extracted helper by its path again except the
 * JVM that extracted it, which holds the lock.
 */
public final class HelperCache {
    private static final System.Logger LOG = System.getLogger(HelperCache.class.getName());
    static final String LOCK_FILE = "lock";
    static final Duration LEGACY_AGE = Duration.ofDays(1);
    static final Duration SETTLING = Duration.ofMinutes(1);
    private static final Pattern NAME = Pattern.compile("helper-[0-9a-f]{16}");
    /** The locks this JVM holds, one per directory, for its whole life (never closed, so never released). */
    private static final Map<Path, FileChannel> HELD = new ConcurrentHashMap<>();

    private HelperCache() {
    }

    /**
     * Takes this JVM's shared lock on {@code dir}'s {@code lock} file (created if missing) and keeps it. Returns whether
     * the directory is still the one locked: a cleaner may have removed it between its extraction and the lock (the
     * caller then extracts again). The path's (device, inode) before the open and after the lock must agree; it is
     * compared by {@code stat}, never by opening the file again, since closing any descriptor of a file drops the
     * process's POSIX locks on it.
     */
    static synchronized boolean hold(Path dir) throws IOException {
        if (HELD.containsKey(dir)) {
            return true;
        }
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel ch;
        Object before;
        try {
            ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            before = fileKey(lockFile);
        } catch (NoSuchFileException e) {
            return false;
        }
        boolean kept = false;
        try {
            ch.lock(0, Long.MAX_VALUE, true);
            if (before == null || !before.equals(fileKey(lockFile))) {
                return false;
            }
            HELD.put(dir, ch);
            kept = true;
            return true;
        } finally {
            if (!kept) {
                ch.close();
            }
        }
    }

    private static Object fileKey(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Removes the {@code helper-*} directories of {@code base} other than {@code current} that no JVM holds; never
     * throws (a directory that cannot be removed stays, logged).
     *
     * @return the directories removed
     */
    public static List<Path> removeUnused(Path base, Path current, long euid) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, p -> NAME.matcher(p.getFileName().toString()).matches())) {
            for (Path dir : dirs) {
                if (dir.equals(current) || HELD.containsKey(dir)) {
                    continue;
                }
                try {
                    if (removeIfUnused(dir, euid)) {
                        removed.add(dir);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, () -> "the old helper directory " + dir + " stays: " + e);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "cannot list the helper cache " + base + ": " + e);
        }
        if (!removed.isEmpty()) {
            LOG.log(Level.DEBUG, () -> "removed unused helpers " + removed);
        }
        return removed;
    }

    private static boolean removeIfUnused(Path dir, long euid) throws IOException {
        BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || ((Number) owner).longValue() != euid || recent(a.lastModifiedTime(), SETTLING)) {
            return false;
        }
        Path lockFile = dir.resolve(LOCK_FILE);
        if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            Path helper = dir.resolve(HelperBinary.FILE_NAME);
            if (Files.exists(helper, LinkOption.NOFOLLOW_LINKS)
                    && recent(Files.getLastModifiedTime(helper, LinkOption.NOFOLLOW_LINKS), LEGACY_AGE)) {
                return false; // extracted by a version that does not lock: its JVM may still be about to run it
            }
            deleteEntries(dir);
            return true;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
             FileLock held = ch.tryLock(0, Long.MAX_VALUE, false)) {
            if (held == null) {
                return false; // a JVM uses it
            }
            // Under the exclusive lock: a JVM that locks the file after this finds it unlinked and extracts again.
            deleteEntries(dir);
            return true;
        }
    }

    /** Deletes the directory's files (the helper, its lock, a temp file of an interrupted extraction), then itself. */
    private static void deleteEntries(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(dir + " holds a directory, " + e.getFileName() + ": not a helper directory");
                }
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                if (!e.getFileName().toString().equals(LOCK_FILE)) {
                    Files.deleteIfExists(e);
                }
            }
        }
        Files.deleteIfExists(dir.resolve(LOCK_FILE));
        Files.delete(dir);
    }

    private static boolean recent(FileTime t, Duration age) {
        return t.toInstant().isAfter(Instant.now().minus(age));
    }
}
