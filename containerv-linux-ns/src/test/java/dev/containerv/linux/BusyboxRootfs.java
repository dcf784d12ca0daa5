package dev.containerv.linux;

import dev.containerv.testkit.TestRootfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The root file system of the privileged tests: the testkit's busybox tree ({@link TestRootfs}) plus what
 * these tests look for: a user {@code builder} (1000) with the supplementary group {@code wheel} (10) and
 * the file {@code /etc/marker} holding {@code base}.
 */
final class BusyboxRootfs {
    private BusyboxRootfs() {
    }

    static boolean available() {
        return TestRootfs.busybox().isPresent();
    }

    static Path create(Path dir) throws IOException {
        TestRootfs.build(dir);
        Path etc = dir.resolve("etc");
        Files.writeString(etc.resolve("passwd"), "builder:x:1000:1000:builder:/home/builder:/bin/sh\n", StandardOpenOption.APPEND);
        Files.writeString(etc.resolve("group"), "builder:x:1000:\nwheel:x:10:builder\n", StandardOpenOption.APPEND);
        Files.writeString(etc.resolve("marker"), "base\n");
        Files.createDirectories(dir.resolve("home/builder"));
        return dir;
    }
}
