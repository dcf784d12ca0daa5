package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;
import dev.containerv.spi.FileTrees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Container#destroyWithGrace}: the time between TERM and KILL is the caller's (issue 18, item 9: rm --time). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DestroyGracePrivilegedTest {
    private static Path work;
    private static Path rootfs;
    private static ContainerRuntime runtime;

    @BeforeAll
    static void setUp() throws Exception {
        Privileged.require();
        work = Files.createTempDirectory("cv-destroy-grace");
        rootfs = BusyboxRootfs.create(work.resolve("rootfs"));
        runtime = new LinuxNamespacesProvider().createRuntime();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (work != null) {
            FileTrees.deleteTree(work);
        }
    }

    /** A container whose process ignores TERM, so only KILL ends it: the destroy lasts the grace. */
    private static Container ignoringTerm() throws InterruptedException {
        Container c = runtime.create(ContainerSpec.builder().id("g-" + UUID.randomUUID().toString().substring(0, 8)).rootfs(rootfs).build());
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
        LinuxContainerPrivilegedTest.assertGone(c.id());
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
}
