package dev.containerv.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
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
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-threads-test");

    @Test
    void noContainervThreadOutlivesItsWorkOrAnInterrupt() throws Exception {
        String id = "threads-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> cmd = ChildJvm.command();
        cmd.set(cmd.size() - 1, ThreadsChildJvm.class.getName());
        cmd.addAll(List.of(id, BED.rootfs().toString(), "PT3S"));
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).as("the interrupt found the watchdog still at work").containsPattern("before-interrupt \\[.*containerv-watchdog-1.*\\]");
        assertThat(out).contains("after-interrupt []").contains("after-idle []");
    }
}
