package dev.containerv.linux;

import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A JVM at real-time priority (SCHED_FIFO, as {@code chrt -f 10 java ...} starts it) on a host whose cgroup v1
 * {@code cpu} controller gives a new cgroup no real-time budget ({@code cpu.rt_runtime_us} 0): the init inherits
 * the policy and the kernel refuses to move it into the container's cpu cgroup with EINVAL. The create must say so,
 * naming the budget and the two ways out, and leave nothing behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealtimeCgroupV1PrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-rt-test");

    /** Whether this host has a cgroup v1 cpu hierarchy with real-time group scheduling (a new cgroup's budget is 0). */
    private static boolean v1CpuWithRtGroupScheduling() throws IOException {
        for (String mount : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = mount.split(" ");
            if (f.length > 3 && f[2].equals("cgroup") && List.of(f[3].split(",")).contains("cpu")) {
                Path rt = Path.of(f[1], "cpu.rt_runtime_us");
                return Files.exists(rt);
            }
        }
        return false;
    }

    @Test
    void aCreateFromAJvmAtRealTimePriorityNamesTheRtBudgetAndLeavesNothing() throws Exception {
        assumeTrue(v1CpuWithRtGroupScheduling(), "needs a cgroup v1 cpu controller with real-time group scheduling (cpu.rt_runtime_us)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chrt")), "needs chrt (util-linux)");
        String id = "rt-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/chrt", "-f", "10"));
        cmd.addAll(ChildJvm.command("try-create", id, BED.rootfs().toString()));
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out;
        try {
            out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(child.waitFor(90, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(out).startsWith("failed " + ErrorKind.NOT_SUPPORTED)
                .contains("SCHED_FIFO", "cpu.rt_runtime_us", "SCHED_OTHER", "errno EINVAL");
        PrivilegedBed.assertGone(id);
    }
}
