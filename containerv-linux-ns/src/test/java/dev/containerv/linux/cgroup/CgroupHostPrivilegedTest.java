package dev.containerv.linux.cgroup;

import dev.containerv.api.ResourceLimits;
import dev.containerv.testkit.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager on this host's real cgroups (hybrid here), as root, under a {@code containerv-test} parent with a
 * unique id. Only processes this test starts go into the cgroup; everything is killed and removed afterwards, pass
 * or fail. Skipped when not root or when no cgroup is mounted, failing instead with CONTAINERV_REQUIRE_PRIVILEGED=1.
 */
class CgroupHostPrivilegedTest {
    private static final String PARENT = "containerv-test";

    private CgroupManager manager;
    private final List<Process> started = new ArrayList<>();
    private final List<ContainerCgroup> made = new ArrayList<>();

    @BeforeEach
    void requireRootAndCgroups() throws IOException {
        String missing = null;
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: ? ?");
        if (!uid.split("\\s+")[2].equals("0")) {
            missing = "needs root (effective uid " + uid.split("\\s+")[2] + ")";
        } else if (CgroupLayout.host().kind() == CgroupLayout.Kind.NONE) {
            missing = "no cgroup file system is mounted";
        }
        if (missing != null) {
            if (Privileges.privilegedRequired()) {
                Assertions.fail("privileged cgroup test cannot run although CONTAINERV_REQUIRE_PRIVILEGED is set: " + missing);
            }
            Assumptions.abort("privileged cgroup test skipped: " + missing);
        }
        manager = new CgroupManager(CgroupLayout.host(), CgroupFiles.HOST, PARENT, CgroupManager.SIGKILL);
    }

    @AfterEach
    void removeEverything() throws IOException {
        AssertionError failure = null;
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (ContainerCgroup c : made) {
            try {
                c.killAll(Duration.ofSeconds(5));
                c.remove();
            } catch (RuntimeException e) {
                failure = new AssertionError("cleanup of " + c.directories() + " failed", e);
            }
        }
        for (CgroupMount m : manager.hierarchies()) {
            Path parent = manager.parentDir(m);
            if (Files.isDirectory(parent) && CgroupFiles.HOST.children(parent).isEmpty()) {
                CgroupFiles.HOST.rmdir(parent);
            }
        }
        for (ContainerCgroup c : made) {
            for (Path d : c.directories()) {
                assertThat(d).as("no cgroup left behind").doesNotExist();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private ContainerCgroup create(ResourceLimits limits) {
        return create(manager, limits);
    }

    private ContainerCgroup create(CgroupManager m, ResourceLimits limits) {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        ContainerCgroup c = m.create(id, CgroupLimits.of(limits, Runtime.getRuntime().availableProcessors()));
        made.add(c);
        return c;
    }

    /** The real host seen through only some of its cgroup mounts (a v1-only or v2-only view of a hybrid host). */
    private static CgroupManager view(java.util.function.Predicate<String> keepLine) throws IOException {
        String mountinfo = Files.readString(Path.of("/proc/self/mountinfo")).lines().filter(keepLine)
                .reduce("", (a, b) -> a + b + "\n");
        CgroupLayout layout = CgroupLayout.parse(mountinfo, Files.readString(Path.of("/proc/self/cgroup")));
        Assumptions.assumeTrue(layout.kind() != CgroupLayout.Kind.NONE, "this view of the host has no cgroup mount: " + layout);
        return new CgroupManager(layout, CgroupFiles.HOST, PARENT, CgroupManager.SIGKILL);
    }

    /** A shell that waits for a line on stdin (so it can be moved into the cgroup first), then runs {@code script}. */
    private Process shell(String script) throws IOException {
        Process p = new ProcessBuilder("/bin/sh", "-c", "read go; " + script).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private static void go(Process p) throws IOException {
        OutputStream in = p.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    @Test
    void limitsAreWrittenTheProcessIsInEveryHierarchyStatsMoveAndKillAllEmptiesIt() throws Exception {
        ContainerCgroup c = create(ResourceLimits.builder().memoryMax("64M").cpuWeight(50).cpuPercent(50).pidsMax(16).build());
        for (Path d : c.directories()) {
            assertThat(d).isDirectory();
        }
        Path memory = c.directory(Controller.MEMORY).orElseThrow();
        if (manager.locate(Controller.MEMORY).orElseThrow().unified()) {
            assertThat(Files.readString(memory.resolve("memory.max")).trim()).isEqualTo("67108864");
        } else {
            assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo("67108864");
        }
        assertThat(Files.readString(c.directory(Controller.PIDS).orElseThrow().resolve("pids.max")).trim()).isEqualTo("16");

        Process p = shell("dd if=/dev/zero of=/dev/null bs=8M count=40 2>/dev/null; echo done; exec sleep 60");
        c.join(p.pid());
        String own = Files.readString(Path.of("/proc/" + p.pid() + "/cgroup"));
        assertThat(own.lines().filter(l -> l.endsWith("/" + PARENT + "/" + c.id())).count())
                .as("the process is in the container's cgroup in each hierarchy used: " + own).isEqualTo(c.directories().size());
        CgroupSample before = c.sample();
        go(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(out.readLine()).isEqualTo("done");
        CgroupSample after = c.sample();
        assertThat(after.cpuNanos()).as("dd used cpu in the cgroup").isGreaterThan(before.cpuNanos());
        assertThat(after.memoryPeakBytes()).as("dd's 8M buffer was charged").isGreaterThan(8L << 20);
        assertThat(after.memoryPeakBytes()).isLessThanOrEqualTo(64L << 20);
        assertThat(after.processes()).isEqualTo(1);
        assertThat(c.pids()).containsExactly(p.pid());

        c.killAll(Duration.ofSeconds(10));
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("SIGKILL").isEqualTo(137);
        assertThat(c.isEmpty()).isTrue();
        c.remove();
        for (Path d : c.directories()) {
            assertThat(d).doesNotExist();
        }
    }

    @Test
    void aProcessOverTheMemoryLimitIsKilledByTheOomKiller() throws Exception {
        ContainerCgroup c = create(ResourceLimits.builder().memoryMax("64M").build());
        Process p = shell("dd if=/dev/zero of=/dev/null bs=256M count=1 2>/dev/null; exit $?");
        c.join(p.pid());
        go(p);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("dd killed by SIGKILL from the OOM killer").isEqualTo(137);
        assertThat(c.sample().memoryPeakBytes()).isGreaterThan(48L << 20).isLessThanOrEqualTo(64L << 20);
    }

    @Test
    void thePidsLimitStopsAForkLoopAndKillAllTakesEveryProcess() throws Exception {
        ContainerCgroup c = create(ResourceLimits.builder().pidsMax(8).build());
        // dash gives up a script whose fork fails, so the loop runs in a subshell that may die at the limit
        Process p = shell("(i=0; while [ $i -lt 40 ]; do sleep 60 >/dev/null 2>&1 & i=$((i+1)); done) 2>/dev/null; echo forked; exec sleep 60");
        c.join(p.pid());
        go(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(out.readLine()).isEqualTo("forked");
        assertThat(c.pids()).hasSizeBetween(2, 8);
        assertThat(c.sample().processes()).isBetween(2L, 8L);
        c.killAll(Duration.ofSeconds(10));
        assertThat(c.pids()).isEmpty();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void onAV1OnlyViewKillAllFreezesKillsAndThawsForReal() throws Exception {
        CgroupManager legacy = view(l -> !l.contains(" - cgroup2 "));
        Assumptions.assumeTrue(legacy.locate(Controller.FREEZER).isPresent(), "no v1 freezer on this host");
        assertThat(legacy.layout().kind()).isEqualTo(CgroupLayout.Kind.LEGACY);
        ContainerCgroup c = create(legacy, ResourceLimits.builder().pidsMax(64).build());
        assertThat(c.directories()).noneMatch(d -> d.toString().contains("unified"));
        Process p = shell("i=0; while [ $i -lt 5 ]; do sleep 60 >/dev/null 2>&1 & i=$((i+1)); done; echo forked; exec sleep 60");
        c.join(p.pid());
        go(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(out.readLine()).isEqualTo("forked");
        assertThat(c.pids()).hasSize(6);
        c.killAll(Duration.ofSeconds(10));
        assertThat(c.pids()).isEmpty();
        Path freezer = c.directory(Controller.FREEZER).orElseThrow();
        assertThat(Files.readString(freezer.resolve("freezer.state")).trim()).as("thawed after the kill").isEqualTo("THAWED");
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        c.remove();
    }

    @Test
    void onAV2OnlyViewALimitTheTreeDoesNotOfferIsRefusedAndNothingIsLeft() throws Exception {
        CgroupManager unified = view(l -> !l.contains(" - cgroup "));
        Assumptions.assumeTrue(unified.locate(Controller.MEMORY).isEmpty(), "the v2 tree here offers memory; nothing to refuse");
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> unified.create(id, CgroupLimits.of(ResourceLimits.builder().memoryMax("64M").build(), 1)))
                .isInstanceOfSatisfying(dev.containerv.api.ContainerException.class, e -> assertThat(e.isNotSupported()).isTrue())
                .hasMessageContaining("memory.max");
        assertThat(unified.parentDir(unified.layout().unified().orElseThrow()).resolve(id)).doesNotExist();
        // without limits it works, and cpu time comes from the v2 cpu.stat
        ContainerCgroup c = create(unified, ResourceLimits.none());
        Process p = shell("i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo spun; exec sleep 60");
        c.join(p.pid());
        go(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(out.readLine()).isEqualTo("spun");
        assertThat(c.sample().cpuNanos()).isPositive();
        c.killAll(Duration.ofSeconds(10));
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCpuCapOfHalfACpuHoldsABusyLoopToAboutHalfItsWallTime() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        Assumptions.assumeTrue(50 % cpus == 0, "half a CPU is no whole percentage of " + cpus + " CPUs");
        // cpuPercent is of the whole host: 50 / cpus percent of it is half of one CPU
        ContainerCgroup c = create(ResourceLimits.builder().cpuPercent(50 / cpus).build());
        Process p = shell("timeout 2 sh -c 'while :; do :; done'; echo spun; exec sleep 60");
        c.join(p.pid());
        CgroupSample before = c.sample();
        go(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(out.readLine()).isEqualTo("spun");
        CgroupSample after = c.sample();
        double cpuSeconds = (after.cpuNanos() - before.cpuNanos()) / 1e9;
        double wallSeconds = (after.monotonicNanos() - before.monotonicNanos()) / 1e9;
        System.out.printf("cpu cap 0.5 CPU: %.3f s of cpu in %.3f s of wall (%.1f%% of one CPU)%n", cpuSeconds, wallSeconds,
                after.cpuPercentSince(before));
        // the cap: about 1 s of a 2 s busy loop; a loaded machine may give less, never more than the quota allows
        assertThat(cpuSeconds).isBetween(0.2, 1.3);
        c.killAll(Duration.ofSeconds(10));
    }
}
