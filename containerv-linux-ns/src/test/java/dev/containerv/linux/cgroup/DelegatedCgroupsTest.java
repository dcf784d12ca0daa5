package dev.containerv.linux.cgroup;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ResourceLimits;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.linux.LinuxOptions;
import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.rootless.CgroupDelegation;
import dev.containerv.linux.rootless.DelegatedCgroups;
import dev.containerv.linux.runtime.LinuxRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A normal user's cgroups in its delegated v2 subtree, on fake kernels in a temp dir: a systemd v2 host whose user scope
 * is delegated with some controllers, and this CI machine's hybrid layout. The fake kernel keeps v2's
 * no-internal-processes rule, so the JVM's move into the subtree's leaf is needed for any controller to be enabled.
 */
class DelegatedCgroupsTest {
    private static final String SCOPE = "user.slice/user-1000.slice/user@1000.service/app.slice/app-build.scope";
    private static final long JVM = 4242;

    @TempDir
    Path root;

    private FakeCgroupFs fs;

    /** The unified fixture's host with the user's scope offering {@code offered}, this JVM in the scope itself. */
    private CgroupLayout unifiedHost(String offered) throws IOException {
        CgroupLayout layout = Fixtures.layoutUnder(Fixtures.Host.UNIFIED, root);
        fs = Fixtures.fakeKernel(layout, Fixtures.Host.UNIFIED.v2Available);
        Path dir = layout.unified().orElseThrow().mountPoint();
        String enable = offered.isBlank() ? "" : "+" + offered.replace(" ", " +");
        for (Path part : Path.of(SCOPE)) {
            if (!enable.isEmpty()) {
                fs.write(dir.resolve("cgroup.subtree_control"), enable);
            }
            dir = dir.resolve(part.toString());
            fs.mkdir(dir);
        }
        fs.spawnIn(dir, JVM);
        fs.writes.clear();
        return layout;
    }

    private Path scope() {
        return root.resolve("sys/fs/cgroup").resolve(SCOPE);
    }

    private HostCgroups userCgroups(CgroupLayout layout) throws IOException {
        return DelegatedCgroups.forUser(layout, Proc.HOST.euid(), JVM, fs, pid -> fs.kill(pid));
    }

    @Test
    void onAV2HostTheJvmLeavesForALeafAndTheLimitsTheSubtreeOffersApplyInsideIt() throws IOException {
        CgroupLayout layout = unifiedHost("memory pids");
        HostCgroups cgroups = userCgroups(layout);
        ContainerCgroup cg = cgroups.create("c1", ResourceLimits.builder().memoryMax("64M").pidsMax(32).build(), 2).orElseThrow();
        assertThat(Files.readString(scope().resolve("jvm/cgroup.procs")).strip()).as("the JVM, in the leaf").isEqualTo(Long.toString(JVM));
        assertThat(Files.readString(scope().resolve("cgroup.procs"))).as("the subtree's own cgroup, empty").isBlank();
        assertThat(cg.directories()).containsExactly(scope().resolve("containerv/c1"));
        assertThat(Files.readString(scope().resolve("containerv/c1/memory.max"))).isEqualTo("67108864");
        assertThat(Files.readString(scope().resolve("containerv/c1/pids.max"))).isEqualTo("32");
        assertThat(fs.writes).as("nothing written above the delegated subtree").allMatch(w -> w.startsWith(scope().toString()));
        assertThat(cgroups.offersLimits()).as("no cpu controller in the subtree").isFalse();
        cg.remove();
        assertThat(scope().resolve("containerv/c1")).doesNotExist();
    }

    @Test
    void aLimitWhoseControllerTheSubtreeLacksIsNotSupportedNamingFieldControllerAndSubtreeAndLeavesNothing() throws IOException {
        CgroupLayout layout = unifiedHost("memory pids");
        HostCgroups cgroups = userCgroups(layout);
        assertThatThrownBy(() -> cgroups.create("c2", ResourceLimits.builder().cpuWeight(200).build(), 2))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("limits.cpuWeight").hasMessageContaining("the cpu controller is not offered")
                .hasMessageContaining(scope().toString()).hasMessageContaining("lists only [memory pids]").hasMessageContaining("Delegate=");
        assertThat(scope().resolve("containerv/c2")).doesNotExist();
    }

    @Test
    void withMemoryCpuAndPidsDelegatedTheRootlessRuntimeDeclaresResourceLimits() throws IOException {
        CgroupLayout layout = unifiedHost("cpu memory pids");
        HostCgroups cgroups = userCgroups(layout);
        assertThat(cgroups.offersLimits()).isTrue();
        LinuxRuntime rt = new LinuxRuntime(LinuxOptions.defaults(), () -> Path.of("/nonexistent"), () -> 1000, Proc.HOST, cgroups);
        assertThat(rt.features()).contains(RuntimeFeature.RESOURCE_LIMITS, RuntimeFeature.STATS).doesNotContain(RuntimeFeature.RUN_AS_USER);
        LinuxRuntime without = new LinuxRuntime(LinuxOptions.defaults(), () -> Path.of("/nonexistent"), () -> 1000, Proc.HOST,
                HostCgroups.unusable("no delegation"));
        assertThat(without.features()).doesNotContain(RuntimeFeature.RESOURCE_LIMITS).contains(RuntimeFeature.STATS);
    }

    @Test
    void anotherProcessLeftInTheSubtreeMakesAControllerLimitNotSupportedNamingItsPid() throws IOException {
        CgroupLayout layout = unifiedHost("memory pids");
        fs.spawnIn(scope(), 777);
        HostCgroups cgroups = userCgroups(layout);
        assertThatThrownBy(() -> cgroups.create("c3", ResourceLimits.builder().memoryMax("64M").build(), 2))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("memory").hasMessageContaining("EBUSY").hasMessageContaining("[777]")
                .hasMessageContaining("no-internal-processes");
        assertThat(Files.readString(scope().resolve("jvm/cgroup.procs")).strip()).as("this JVM moved anyway").isEqualTo(Long.toString(JVM));
    }

    @Test
    void aJvmStartedInTheLeafFindsTheSameSubtreeAndDoesNotMoveAgain() throws IOException {
        CgroupLayout first = unifiedHost("memory pids");
        userCgroups(first).create("c4", ResourceLimits.none(), 2).orElseThrow();
        CgroupLayout inLeaf = CgroupLayout.parse(Fixtures.Host.UNIFIED.mountinfo().replace(" /sys/fs/cgroup", " " + root + "/sys/fs/cgroup"),
                "0::/" + SCOPE + "/jvm\n");
        assertThat(CgroupDelegation.delegatedSubtree(inLeaf, Proc.HOST.euid())).contains(scope());
        fs.spawnIn(scope().resolve("jvm"), 4343);
        HostCgroups second = DelegatedCgroups.forUser(inLeaf, Proc.HOST.euid(), 4343, fs, pid -> fs.kill(pid));
        assertThat(second.manager().orElseThrow().existingIds()).as("the first JVM's container, seen from the second").containsExactly("c4");
        assertThat(scope().resolve("jvm/jvm")).doesNotExist();
    }

    /** This machine: the memory controller is in a v1 hierarchy, the v2 tree (and a subtree of it) offers hugetlb only. */
    @Test
    void onAHybridHostTheSubtreeGivesPlacementAndCpuTimeButMemoryIsRefusedNamingTheV1Hierarchy() throws IOException {
        CgroupLayout layout = CgroupLayout.parse(Fixtures.Host.HYBRID.mountinfo().replace(" /sys/fs/cgroup", " " + root + "/sys/fs/cgroup"),
                "0::/deleg\n");
        fs = Fixtures.fakeKernel(layout, "hugetlb");
        Path v2 = layout.unified().orElseThrow().mountPoint();
        fs.write(v2.resolve("cgroup.subtree_control"), "+hugetlb");
        fs.mkdir(v2.resolve("deleg"));
        fs.spawnIn(v2.resolve("deleg"), JVM);
        HostCgroups cgroups = userCgroups(layout);
        assertThatThrownBy(() -> cgroups.create("c5", ResourceLimits.builder().memoryMax("64M").build(), 2))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("limits.memoryMax").hasMessageContaining("the memory controller is not offered")
                .hasMessageContaining(v2.resolve("deleg").toString()).hasMessageContaining("cgroup v1 hierarchy (" + root + "/sys/fs/cgroup/memory)");
        ContainerCgroup cg = cgroups.create("c6", ResourceLimits.none(), 2).orElseThrow();
        assertThat(cg.directories()).as("only in the delegated v2 subtree, never in root's v1 hierarchies").containsExactly(v2.resolve("deleg/containerv/c6"));
        Files.writeString(v2.resolve("deleg/containerv/c6/cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        fs.spawnIn(v2.resolve("deleg/containerv/c6"), 5000);
        CgroupSample s = cg.sample();
        assertThat(s.cpuNanos()).isEqualTo(1_500_000);
        assertThat(s.processes()).isEqualTo(1);
        cg.killAll(java.time.Duration.ofSeconds(2));
        assertThat(fs.killedWhile).containsExactly("cgroup.kill");
        cg.remove();
        assertThat(v2.resolve("deleg/containerv/c6")).doesNotExist();
    }
}
