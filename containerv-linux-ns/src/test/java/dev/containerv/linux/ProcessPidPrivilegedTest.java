package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 18 item 6: {@code pid()} is the host pid known at spawn, also for a process that exited before the first call. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPidPrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-pid-test");
    private static Container container;

    @BeforeAll
    static void setUp() throws IOException {
        container = BED.runtime().create(ContainerSpec.builder().id("pid-" + UUID.randomUUID().toString().substring(0, 8)).rootfs(BED.rootfs()).build());
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (container != null) {
            container.destroy();
        }
    }

    @Test
    void pidOfAProcessThatExitedBeforeTheFirstCallIsItsHostPid() throws Exception {
        for (int i = 0; i < 5; i++) {
            ContainerProcess p = container.spawn(ProcessSpec.of("/bin/true"));
            assertThat(p.waitFor()).isZero();
            Thread.sleep(50);
            long pid = p.pid();
            assertThat(pid).isPositive();
            assertThat(ProcessHandle.of(pid).filter(h -> h.parent().isPresent() && h.info().command().orElse("").endsWith("/bin/true")))
                    .as("the host pid %d of an exited process names no live /bin/true", pid).isEmpty();
        }
    }

    @Test
    void pidOfARunningProcessIsTheHostPidWhoseInnermostPidIsTheContainerPid() throws Exception {
        ContainerProcess p = container.spawn(ProcessSpec.of("/bin/sleep", "100"));
        try {
            long pid = p.pid();
            String nspid = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("NSpid:"))
                    .findFirst().orElseThrow();
            String[] ids = nspid.substring(6).trim().split("\\s+");
            assertThat(ids[0]).isEqualTo(Long.toString(pid));
            assertThat(ids[ids.length - 1]).isEqualTo(Long.toString(p.containerPid()));
            assertThat(p.toHandle().pid()).isEqualTo(pid);
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }
}
