package dev.containerv.linux;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18 item 1: the library's threads end when no container needs them and when interrupted, so a host such as
 * {@code mvn exec:java} that interrupts and joins the application's threads does not wait for them. Runs in a fresh
 * JVM ({@link ThreadsChildJvm}), where only its own containers made threads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibraryThreadsPrivilegedTest {
    private static Path work;
    private static Path rootfs;

    @BeforeAll
    static void setUp() throws IOException {
        Privileged.require();
        work = Files.createTempDirectory("cv-threads-test");
        rootfs = BusyboxRootfs.create(work.resolve("rootfs"));
        Files.writeString(rootfs.resolve("etc/marker"), "base\n");
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (work != null) {
            dev.containerv.spi.FileTrees.deleteTree(work);
        }
    }

    @Test
    void noContainervThreadOutlivesItsWorkOrAnInterrupt() throws Exception {
        String id = "threads-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> cmd = ChildJvm.command();
        cmd.set(cmd.size() - 1, ThreadsChildJvm.class.getName());
        cmd.addAll(List.of(id, rootfs.toString(), "PT3S"));
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).as("the interrupt found the watchdog still at work").containsPattern("before-interrupt \\[.*containerv-watchdog-1.*\\]");
        assertThat(out).contains("after-interrupt []").contains("after-idle []");
    }
}
