package dev.containerv.linux.cgroup;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Layout detection from captured mountinfo and /proc/self/cgroup texts. */
class CgroupLayoutTest {
    @Test
    void thisMachineIsHybridWithV1ControllersAndAHugetlbOnlyV2Tree() {
        CgroupLayout l = CgroupLayout.parse(Fixtures.Host.HYBRID.mountinfo(), Fixtures.Host.HYBRID.cgroup());
        assertThat(l.kind()).isEqualTo(CgroupLayout.Kind.HYBRID);
        assertThat(l.unified()).map(CgroupMount::mountPoint).hasValue(Path.of("/sys/fs/cgroup/unified"));
        assertThat(l.v1("memory")).map(CgroupMount::mountPoint).hasValue(Path.of("/sys/fs/cgroup/memory"));
        assertThat(l.v1("cpu")).map(CgroupMount::mountPoint).hasValue(Path.of("/sys/fs/cgroup/cpu"));
        assertThat(l.v1("cpuacct")).map(CgroupMount::mountPoint).as("cpu and cpuacct are separate hierarchies here")
                .hasValue(Path.of("/sys/fs/cgroup/cpuacct"));
        assertThat(l.v1("hugetlb")).as("hugetlb is in no v1 hierarchy: the v2 tree has it").isEmpty();
        assertThat(l.v1Named("systemd")).map(CgroupMount::controllers).hasValue(Set.of());
        assertThat(l.legacy()).hasSize(9);
        assertThat(l.ownCgroup(l.v1("memory").orElseThrow())).hasValue("/process_api/064964572f0ea2b2dfde8bf298af7619");
        assertThat(l.ownCgroup(l.v1("pids").orElseThrow())).hasValue("/");
        assertThat(l.ownCgroup(l.unified().orElseThrow())).hasValue("/");
        assertThat(l.systemdManaged()).as("a name=systemd hierarchy is mounted").isTrue();
        assertThat(l.toString()).contains("HYBRID", "cgroup2 at /sys/fs/cgroup/unified", "cgroup v1 memory at /sys/fs/cgroup/memory");
    }

    @Test
    void aSystemdV2HostIsUnifiedAndItsOwnCgroupIsAScope() {
        CgroupLayout l = CgroupLayout.parse(Fixtures.Host.UNIFIED.mountinfo(), Fixtures.Host.UNIFIED.cgroup());
        assertThat(l.kind()).isEqualTo(CgroupLayout.Kind.UNIFIED);
        assertThat(l.unified()).map(CgroupMount::mountPoint).hasValue(Path.of("/sys/fs/cgroup"));
        assertThat(l.legacy()).isEmpty();
        assertThat(l.v1("memory")).isEmpty();
        assertThat(l.ownCgroup(l.unified().orElseThrow())).hasValue("/user.slice/user-1000.slice/user@1000.service/app.slice/app-build.scope");
        assertThat(l.systemdManaged()).isTrue();
    }

    @Test
    void aV1OnlyHostIsLegacyWithCoMountedCpuAndCpuacct() {
        CgroupLayout l = CgroupLayout.parse(Fixtures.Host.LEGACY.mountinfo(), Fixtures.Host.LEGACY.cgroup());
        assertThat(l.kind()).isEqualTo(CgroupLayout.Kind.LEGACY);
        assertThat(l.unified()).isEmpty();
        CgroupMount cpu = l.v1("cpu").orElseThrow();
        assertThat(cpu.mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/cpu,cpuacct"));
        assertThat(cpu.controllers()).containsExactlyInAnyOrder("cpu", "cpuacct");
        assertThat(l.v1("cpuacct")).hasValue(cpu);
        assertThat(l.v1("net_cls")).map(CgroupMount::controllers).hasValue(Set.of("net_cls", "net_prio"));
        assertThat(l.v1Named("systemd")).map(CgroupMount::controllers).as("xattr and release_agent= are options, not controllers")
                .hasValue(Set.of());
        assertThat(l.ownCgroup(cpu)).hasValue("/system.slice/build.service");
        assertThat(l.ownCgroup(l.v1Named("systemd").orElseThrow())).hasValue("/system.slice/build.service");
        assertThat(l.ownCgroup(l.v1("cpuset").orElseThrow())).hasValue("/");
    }

    @Test
    void noCgroupMountIsNone() {
        CgroupLayout l = CgroupLayout.parse("27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n", "");
        assertThat(l.kind()).isEqualTo(CgroupLayout.Kind.NONE);
        assertThat(l.unified()).isEmpty();
        assertThat(l.legacy()).isEmpty();
        assertThat(l.systemdManaged()).isFalse();
    }

    @Test
    void aV2TreeBesideANamedSystemdHierarchyOnlyIsUnified() {
        String mountinfo = """
                31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw
                40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
                41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
                """;
        assertThat(CgroupLayout.parse(mountinfo, "").kind()).isEqualTo(CgroupLayout.Kind.UNIFIED);
    }

    @Test
    void aHierarchyMountedTwicePrefersTheMountOfItsRootAndEscapedPathsAreDecoded() {
        String mountinfo = """
                50 23 0:32 /docker/abc /mnt/inner\\040memory rw - cgroup cgroup rw,memory
                51 23 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
                52 23 0:38 /sub /mnt/v2\\040sub rw - cgroup2 cgroup2 rw
                """;
        CgroupLayout l = CgroupLayout.parse(mountinfo, "");
        assertThat(l.legacy()).hasSize(1);
        assertThat(l.v1("memory")).map(CgroupMount::mountPoint).hasValue(Path.of("/sys/fs/cgroup/memory"));
        assertThat(l.unified()).map(CgroupMount::mountPoint).hasValue(Path.of("/mnt/v2 sub"));
        assertThat(l.unified()).map(CgroupMount::root).hasValue("/sub");
        assertThat(CgroupLayout.parse("50 23 0:32 /docker/abc /mnt/inner\\040memory rw - cgroup cgroup rw,memory\n", "").v1("memory"))
                .map(CgroupMount::mountPoint).hasValue(Path.of("/mnt/inner memory"));
    }

    @Test
    void optionalFieldsBeforeTheSeparatorAreSkipped() {
        CgroupMount m = CgroupLayout.mountOf("29 25 0:24 / /sys/fs/cgroup/pids rw,nosuid shared:10 master:3 - cgroup cgroup rw,pids");
        assertThat(m).isEqualTo(new CgroupMount(1, Path.of("/sys/fs/cgroup/pids"), "/", Set.of("pids"), Optional.empty()));
    }

    @Test
    void malformedLinesAreNamed() {
        assertThatThrownBy(() -> CgroupLayout.parse("garbage line\n", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mountinfo").hasMessageContaining("garbage line");
        assertThatThrownBy(() -> CgroupLayout.parse("", "no colons here\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/proc/self/cgroup").hasMessageContaining("no colons here");
    }

    @Test
    void theRealHostParses() throws Exception {
        CgroupLayout l = CgroupLayout.host();
        assertThat(l.kind()).isNotNull();
        if (l.kind() != CgroupLayout.Kind.NONE) {
            assertThat(l.unified().isPresent() || !l.legacy().isEmpty()).isTrue();
        }
    }
}
