package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Container#destroyWithGrace}: the time between TERM and KILL is the caller's (issue 18, item 9: rm --time). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DestroyGracePrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-destroy-grace");

    /** A container whose process ignores TERM, so only KILL ends it: the destroy lasts the grace. */
    private static Container ignoringTerm() throws InterruptedException {
        Container c = BED.runtime().create(ContainerSpec.builder().id("g-" + UUID.randomUUID().toString().substring(0, 8)).rootfs(BED.rootfs()).build());
        c.spawn(ProcessSpec.of("/bin/sh", "-c", "trap '' TERM; echo armed; while :; do sleep 1; done"));
        for (int i = 0; i < 100 && c.processes().size() < 2; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(200); // the trap is set before the loop's first sleep
        return c;
    }

    private static long destroySeconds(Container c, Duration grace) throws IOException {
        long started = System.nanoTime();
        c.destroyWithGrace(grace);
        long ms = (System.nanoTime() - started) / 1_000_000;
        PrivilegedBed.assertGone(c.id());
        return ms;
    }

    @Test
    void zeroGraceKillsAtOnce_andAGraceIsWaitedFor() throws Exception {
        // The container's own grace is 10 s: a destroy that ignored the argument would take that long.
        assertThat(destroySeconds(ignoringTerm(), Duration.ZERO)).isLessThan(4_000);
        assertThat(destroySeconds(ignoringTerm(), Duration.ofSeconds(2))).isBetween(1_900L, 8_000L);
    }

    @Test
    void aNegativeGraceIsInvalid_andTheContainerStays() throws Exception {
        Container c = ignoringTerm();
        try {
            assertThatThrownBy(() -> c.destroyWithGrace(Duration.ofSeconds(-1)))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                    .hasMessageContaining("grace");
            assertThat(c.isRunning()).isTrue();
        } finally {
            c.destroyWithGrace(Duration.ZERO);
        }
    }

    /** A grace past what milliseconds hold in a long (ChronoUnit.FOREVER) used to throw ArithmeticException and leave the container. */
    @Test
    void aGraceTooLongForMillisecondsIsTheLongestGrace_andTermStillEndsTheContainer() throws Exception {
        Container c = BED.runtime().create(ContainerSpec.builder().id("g-" + UUID.randomUUID().toString().substring(0, 8)).rootfs(BED.rootfs()).build());
        try {
            c.spawn(ProcessSpec.of("/bin/sleep", "600"));
            assertThat(destroySeconds(c, java.time.temporal.ChronoUnit.FOREVER.getDuration())).isLessThan(8_000);
        } finally {
            c.destroyWithGrace(Duration.ZERO); // nothing left when the assertion fails
        }
    }
}
