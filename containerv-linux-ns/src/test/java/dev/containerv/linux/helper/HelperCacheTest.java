package dev.containerv.linux.helper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The helper cache's cleanup (issue 18 item 11b): what is removed, and what a lock, an age or a recent change keeps. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HelperCacheTest {
    @TempDir
    Path base;

    private long uid() throws IOException {
        return ((Number) Files.getAttribute(base, "unix:uid")).longValue();
    }

    /** A helper directory as an extraction leaves it, its helper and itself last changed {@code age} ago. */
    private Path helperDir(String hash, boolean withLock, Duration age) throws IOException {
        Path dir = Files.createDirectory(base.resolve("helper-" + hash));
        Path helper = Files.writeString(dir.resolve(HelperBinary.FILE_NAME), "#!/bin/sh\n");
        FileTime then = FileTime.from(Instant.now().minus(age));
        Files.setLastModifiedTime(helper, then);
        if (withLock) {
            Files.setLastModifiedTime(Files.writeString(dir.resolve(HelperCache.LOCK_FILE), ""), then);
        }
        Files.setLastModifiedTime(dir, then);
        return dir;
    }

    /** Whether another process can take an exclusive lock on {@code file} now. */
    private static boolean lockableByAnotherProcess(Path file) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import fcntl,sys\n"
                + "f=open(sys.argv[1],'r+b')\ntry:\n  fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\nexcept OSError:\n  print('held')\n",
                file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.equals("free");
    }

    @Test
    void unusedOldDirectoriesGoAndTheCurrentOneStays() throws Exception {
        Path current = helperDir("0000000000000001", true, Duration.ofHours(2));
        Path unlocked = helperDir("0000000000000002", true, Duration.ofHours(2));
        Path legacyOld = helperDir("0000000000000003", false, Duration.ofDays(3));
        Path other = Files.createDirectory(base.resolve("not-a-helper"));
        assertThat(HelperCache.removeUnused(base, current, uid())).containsExactlyInAnyOrder(unlocked, legacyOld);
        assertThat(current).isDirectory();
        assertThat(other).isDirectory();
        assertThat(unlocked).doesNotExist();
        assertThat(legacyOld).doesNotExist();
    }

    @Test
    void aDirectoryAnotherJvmHoldsIsKept() throws Exception {
        Path current = helperDir("0000000000000001", true, Duration.ofHours(2));
        Path held = helperDir("0000000000000002", true, Duration.ofHours(2));
        Process p = TestSupport.sharedLockHolder(held.resolve(HelperCache.LOCK_FILE), "another JVM");
        try {
            assertThat(HelperCache.removeUnused(base, current, uid())).isEmpty();
            assertThat(held.resolve(HelperBinary.FILE_NAME)).exists();
        } finally {
            p.getOutputStream().close();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(HelperCache.removeUnused(base, current, uid())).containsExactly(held);
    }

    @Test
    void aRecentlyChangedOrAYoungLegacyDirectoryIsKept() throws Exception {
        Path current = helperDir("0000000000000001", true, Duration.ofHours(2));
        Path settling = helperDir("0000000000000002", true, Duration.ZERO);
        Path legacyYoung = helperDir("0000000000000003", false, Duration.ofHours(2));
        assertThat(HelperCache.removeUnused(base, current, uid())).isEmpty();
        assertThat(settling).isDirectory();
        assertThat(legacyYoung).isDirectory();
    }

    @Test
    void holdKeepsASharedLockThatOtherProcessesSee() throws Exception {
        Path dir = helperDir("00000000000000aa", false, Duration.ZERO);
        assertThat(HelperCache.hold(dir)).isTrue();
        Path lock = dir.resolve(HelperCache.LOCK_FILE);
        assertThat(lock).exists();
        assertThat(lockableByAnotherProcess(lock)).as("the lock is held by this JVM").isFalse();
        // Holding twice opens nothing more (closing a second descriptor of the file would drop the lock).
        assertThat(HelperCache.hold(dir)).isTrue();
        assertThat(lockableByAnotherProcess(lock)).isFalse();
        // This JVM never removes a directory it holds, whatever its age.
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        assertThat(HelperCache.removeUnused(base, base.resolve("helper-0000000000000001"), uid())).isEmpty();
    }
}
