package dev.containerv.windows;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.Signal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Rules of the real HCS the simulator enforces: a process handle is never closed while a wait on it is in
 * progress; the end of stdin reaches the process only through HcsModifyProcess; a kill that races the exit gets
 * the codes a process that just ended gives (ERROR_ACCESS_DENIED from terminate, the invalid-state code from a signal).
 */
class StrictProcessRulesTest extends SimulatedHcsTestBase {
    ContainerSpec spec;

    @BeforeEach
    void setUp() {
        spec = ContainerSpec.builder().id("strict").rootfs(rootfs).capabilities().build();
    }

    @Test
    void destroyClosesAProcessHandleOnlyAfterItsExitWaitReturned() {
        Container c = runtime.create(spec);
        c.spawn(ProcessSpec.of("/bin/sleep", "30"));
        c.spawn(ProcessSpec.of("/bin/sleep", "30"));
        assertTimeoutPreemptively(Duration.ofSeconds(20), c::destroy);
        assertThat(hcs.calls()).contains("HcsCloseProcess");
    }

    @Test
    void theEndOfStdinReachesTheProcessThroughHcsModifyProcess() {
        try (Container c = runtime.create(spec)) {
            ContainerProcess cat = c.spawn(ProcessSpec.of("/bin/cat"));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                cat.getOutputStream().write("to the end".getBytes(StandardCharsets.UTF_8));
                cat.getOutputStream().close();
                assertThat(new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("to the end");
                assertThat(cat.waitFor()).isZero();
            });
            assertThat(hcs.calls()).contains("HcsModifyProcess");
        }
    }

    @Test
    void execEndsStdinOfAProgramThatReadsItToTheEnd() {
        try (Container c = runtime.create(spec)) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(c.exec(ProcessSpec.of("/bin/cat")).exitCode()).isZero());
        }
    }

    @Test
    void aKillRacingTheExitIsNotAnError() throws Exception {
        try (Container c = runtime.create(spec)) {
            hcs.holdExits();
            ContainerProcess p = c.spawn(ProcessSpec.of("/bin/true"));
            ProcessHandle host = ProcessHandle.of(p.pid()).orElse(null);
            if (host != null) {
                host.onExit().get(10, TimeUnit.SECONDS);
            }
            // The process ended; HCS has not reported the exit yet, so the provider still sees it running.
            assertThat(p.isAlive()).isTrue();
            assertThatCode(() -> p.kill(Signal.KILL)).doesNotThrowAnyException();
            assertThatCode(() -> p.kill(Signal.TERM)).doesNotThrowAnyException();
            assertThatCode(() -> p.kill(Signal.INT)).doesNotThrowAnyException();
            hcs.releaseExits();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
    }

    @Test
    void inheritedStdinFeedsTheProcessFromTheJvmsStdin() throws Exception {
        java.io.InputStream jvmIn = System.in;
        System.setIn(new java.io.ByteArrayInputStream("from the JVM".getBytes(StandardCharsets.UTF_8)));
        try (Container c = runtime.create(spec)) {
            ContainerProcess cat = c.spawn(ProcessSpec.builder("/bin/cat").redirectInput(ProcessBuilder.Redirect.INHERIT).build());
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertThat(new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from the JVM");
                assertThat(cat.waitFor()).isZero();
            });
        } finally {
            System.setIn(jvmIn);
        }
    }
}
