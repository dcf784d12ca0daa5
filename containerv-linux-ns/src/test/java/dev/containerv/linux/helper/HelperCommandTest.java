package dev.containerv.linux.helper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The watchdog of short helper commands (an {@code IdleTimer}): a command past its timeout is killed and says so. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HelperCommandTest {
    @Test
    void aCommandPastItsTimeoutIsKilledAndReportedAsTimedOut() throws Exception {
        long start = System.nanoTime();
        HelperCommand.Result r = HelperCommand.run(List.of("sleep", "30"), Duration.ofMillis(300), false);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isNotZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aCommandWithinItsTimeoutGivesItsOutput() throws Exception {
        HelperCommand.Result r = HelperCommand.run(List.of("sh", "-c", "echo out; echo err >&2"), Duration.ofSeconds(30), true);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).isEqualTo("out\nerr");
    }
}
