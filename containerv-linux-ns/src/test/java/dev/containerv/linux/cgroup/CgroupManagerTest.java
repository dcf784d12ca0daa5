package dev.containerv.linux.cgroup;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ResourceLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The manager on fake kernels of each layout in a temp dir. */
class CgroupManagerTest {
    @TempDir
    Path root;

    private FakeCgroupFs fs;

    private CgroupManager manager(Fixtures.Host host) throws IOException {
        return manager(Fixtures.layoutUnder(host, root), host.v2Available);
    }

    private CgroupManager manager(CgroupLayout layout, String v2Available) throws IOException {
        fs = Fixtures.fakeKernel(layout, v2Available);
        return new CgroupManager(layout, fs, CgroupManager.DEFAULT_PARENT, pid -> fs.kill(pid));
    }

    private Path cg(String relative) {
        return root.resolve("sys/fs/cgroup").resolve(relative);
    }

    private static CgroupLimits allLimits() {
        return CgroupLimits.of(ResourceLimits.builder().memoryMax("64M").cpuWeight(200).cpuPercent(50).pidsMax(32).build(), 2).withIoWeight(300);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p).trim();
    }

    /** Every cgroup directory of container {@code id} still on disk, in any hierarchy. */
    private List<Path> remaining(String id) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().equals(id)).toList();
        }
    }

    @Test
    void hybridPutsLimitsIntoTheV1HierarchiesAndTheContainerIntoTheV2TreeToo() throws IOException {
        CgroupManager m = manager(Fixtures.Host.HYBRID);
        ContainerCgroup c = m.create("c1", allLimits());
        assertThat(c.directories()).containsExactly(cg("memory/containerv/c1"), cg("cpu/containerv/c1"), cg("cpuacct/containerv/c1"),
                cg("pids/containerv/c1"), cg("blkio/containerv/c1"), cg("freezer/containerv/c1"), cg("unified/containerv/c1"));
        assertThat(read(cg("memory/containerv/c1/memory.limit_in_bytes"))).isEqualTo("67108864");
        assertThat(read(cg("memory/containerv/c1/memory.memsw.limit_in_bytes"))).isEqualTo("67108864");
        assertThat(read(cg("cpu/containerv/c1/cpu.shares"))).isEqualTo("2048");
        assertThat(read(cg("cpu/containerv/c1/cpu.cfs_period_us"))).isEqualTo("100000");
        assertThat(read(cg("cpu/containerv/c1/cpu.cfs_quota_us"))).isEqualTo("100000");
        assertThat(read(cg("pids/containerv/c1/pids.max"))).isEqualTo("32");
        assertThat(read(cg("blkio/containerv/c1/blkio.bfq.weight"))).isEqualTo("300");
        assertThat(read(cg("unified/cgroup.subtree_control"))).as("hugetlb is neither needed nor wanted").isEmpty();
        assertThat(c.procsFiles()).hasSize(7).allMatch(p -> p.getFileName().toString().equals("cgroup.procs"));
        assertThat(c.directory(Controller.MEMORY)).hasValue(cg("memory/containerv/c1"));
        assertThat(c.directory(Controller.FREEZER)).hasValue(cg("freezer/containerv/c1"));
        assertThat(m.locate(Controller.CPUACCT)).map(CgroupMount::unified).hasValue(false);
    }

    @Test
    void unifiedEnablesControllersDownTheTreeAndWritesV2Files() throws IOException {
        CgroupManager m = manager(Fixtures.Host.UNIFIED);
        ContainerCgroup c = m.create("c1", allLimits());
        assertThat(c.directories()).containsExactly(cg("containerv/c1"));
        assertThat(CgroupManager.words(read(cg("cgroup.subtree_control")))).containsExactlyInAnyOrder("memory", "cpu", "pids", "io");
        assertThat(CgroupManager.words(read(cg("containerv/cgroup.subtree_control")))).containsExactlyInAnyOrder("memory", "cpu", "pids", "io");
        assertThat(read(cg("containerv/c1/memory.max"))).isEqualTo("67108864");
        assertThat(read(cg("containerv/c1/memory.swap.max"))).isEqualTo("0");
        assertThat(read(cg("containerv/c1/cpu.weight"))).isEqualTo("200");
        assertThat(read(cg("containerv/c1/cpu.max"))).isEqualTo("100000 100000");
        assertThat(read(cg("containerv/c1/pids.max"))).isEqualTo("32");
        assertThat(read(cg("containerv/c1/io.weight"))).isEqualTo("default 300");
        assertThat(m.locate(Controller.CPUACCT)).as("cpu.stat is in every v2 cgroup").map(CgroupMount::unified).hasValue(true);
        // a second container does not enable anything again
        int writes = fs.writes.size();
        m.create("c2", CgroupLimits.NONE);
        assertThat(fs.writes).hasSize(writes);
    }

    @Test
    void legacyUsesTheCoMountedCpuHierarchyOnce() throws IOException {
        CgroupManager m = manager(Fixtures.Host.LEGACY);
        ContainerCgroup c = m.create("c1", allLimits());
        assertThat(c.directories()).containsExactly(cg("memory/containerv/c1"), cg("cpu,cpuacct/containerv/c1"), cg("pids/containerv/c1"),
                cg("blkio/containerv/c1"), cg("freezer/containerv/c1"));
        assertThat(read(cg("cpu,cpuacct/containerv/c1/cpu.shares"))).isEqualTo("2048");
        assertThat(read(cg("memory/containerv/c1/memory.limit_in_bytes"))).isEqualTo("67108864");
        assertThat(Files.exists(cg("cpuset/containerv"))).as("cpuset is never used (it needs cpus/mems set up)").isFalse();
        assertThat(Files.exists(cg("systemd/containerv"))).isFalse();
    }

    @Test
    void aV2ControllerTheRootDoesNotOfferIsNotSupportedNamingControllerAndFileAndNothingIsLeft() throws IOException {
        CgroupManager m = manager(Fixtures.layoutUnder(Fixtures.Host.UNIFIED, root), "cpu memory io");
        CgroupLimits limits = CgroupLimits.of(ResourceLimits.builder().memoryMax("1G").pidsMax(32).build(), 2);
        assertThatThrownBy(() -> m.create("c1", limits))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("limits.pidsMax").hasMessageContaining("pids controller").hasMessageContaining("pids.max")
                .hasMessageContaining("offers only [cpu io memory]");
        assertThat(remaining("c1")).isEmpty();
    }

    @Test
    void hybridWithoutAV1PidsHierarchyNamesBothFilesAndTheHugetlbOnlyTree() throws IOException {
        String mountinfo = Fixtures.Host.HYBRID.mountinfo().lines().filter(l -> !l.endsWith("rw,pids")).reduce("", (a, b) -> a + b + "\n")
                .replace(" /sys/fs/cgroup", " " + root + "/sys/fs/cgroup");
        CgroupManager m = manager(CgroupLayout.parse(mountinfo, Fixtures.Host.HYBRID.cgroup()), "hugetlb");
        assertThatThrownBy(() -> m.create("c1", CgroupLimits.of(ResourceLimits.builder().pidsMax(10).build(), 1)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("pids.max (v1) or pids.max (v2)").hasMessageContaining("offers only [hugetlb]");
        assertThat(remaining("c1")).isEmpty();
        // without a pids limit the container is made, and its process count comes from cgroup.procs
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        fs.spawnIn(cg("unified/containerv/c1"), 7);
        assertThat(c.sample().processes()).isEqualTo(1);
    }

    @Test
    void noDelegationOnV2IsNotSupportedNamingTheSubtreeControlFile() throws IOException {
        CgroupManager m = manager(Fixtures.Host.UNIFIED);
        fs.failures.put(cg("cgroup.subtree_control"), "Permission denied");
        assertThatThrownBy(() -> m.create("c1", CgroupLimits.of(ResourceLimits.builder().memoryMax("1G").build(), 1)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("memory controller").hasMessageContaining(cg("cgroup.subtree_control").toString())
                .hasMessageContaining("errno EACCES");
        assertThat(remaining("c1")).isEmpty();
    }

    @Test
    void statsControllersThatCannotBeEnabledAreNotAnError() throws IOException {
        CgroupManager m = manager(Fixtures.Host.UNIFIED);
        fs.failures.put(cg("cgroup.subtree_control"), "Permission denied");
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        assertThat(c.directories()).containsExactly(cg("containerv/c1"));
    }

    @Test
    void aReadOnlyLimitFileIsNotSupportedNamingTheFileAndEveryHierarchyIsCleanedUp() throws IOException {
        CgroupManager m = manager(Fixtures.Host.HYBRID);
        fs.failures.put(cg("pids/containerv/c1/pids.max"), "Read-only file system");
        assertThatThrownBy(() -> m.create("c1", allLimits()))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
                    assertThat(e.platformCode()).hasValueSatisfying(code -> assertThat(code).contains("errno EROFS").contains("pids.max"));
                })
                .hasMessageContaining("limits.pidsMax").hasMessageContaining("pids limit cannot be applied");
        assertThat(remaining("c1")).isEmpty();
    }

    @Test
    void aValueTheKernelRefusesIsAPlatformFailureWithTheErrno() throws IOException {
        CgroupManager m = manager(Fixtures.Host.LEGACY);
        fs.failures.put(cg("memory/containerv/c1/memory.limit_in_bytes"), "Device or resource busy");
        assertThatThrownBy(() -> m.create("c1", allLimits()))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                    assertThat(e.platformCode()).hasValueSatisfying(code -> assertThat(code).contains("errno EBUSY"));
                })
                .hasMessageContaining("cannot write '67108864'");
        assertThat(remaining("c1")).isEmpty();
    }

    @Test
    void withoutSwapAccountingMemoryIsStillLimited() throws IOException {
        for (Fixtures.Host host : List.of(Fixtures.Host.UNIFIED, Fixtures.Host.LEGACY)) {
            CgroupManager m = manager(host);
            fs.swapAccounted = false;
            ContainerCgroup c = m.create("s-" + host.fixture, CgroupLimits.of(ResourceLimits.builder().memoryMax("64M").build(), 1));
            Path dir = c.directory(Controller.MEMORY).orElseThrow();
            assertThat(read(dir.resolve(host == Fixtures.Host.UNIFIED ? "memory.max" : "memory.limit_in_bytes"))).isEqualTo("67108864");
            assertThat(dir.resolve(host == Fixtures.Host.UNIFIED ? "memory.swap.max" : "memory.memsw.limit_in_bytes")).doesNotExist();
        }
    }

    @Test
    void anIoWeightWithoutAWeightFileIsNotSupportedNamingBothSpellings() throws IOException {
        CgroupManager m = manager(Fixtures.Host.LEGACY);
        fs.blkioWeightFile = null;
        assertThatThrownBy(() -> m.create("c1", CgroupLimits.NONE.withIoWeight(200)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("blkio.weight or blkio.bfq.weight").hasMessageContaining("blkio controller");
        assertThat(remaining("c1")).isEmpty();
        fs.blkioWeightFile = "blkio.weight";
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE.withIoWeight(200));
        assertThat(read(c.directory(Controller.IO).orElseThrow().resolve("blkio.weight"))).isEqualTo("200");
    }

    @Test
    void anExistingCgroupIsAlreadyExistsAndIsLeftAlone() throws IOException {
        CgroupManager m = manager(Fixtures.Host.HYBRID);
        m.create("c1", CgroupLimits.NONE);
        fs.spawnIn(cg("unified/containerv/c1"), 42);
        assertThatThrownBy(() -> m.create("c1", CgroupLimits.NONE))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS))
                .hasMessageContaining("c1");
        assertThat(remaining("c1")).hasSize(7);
    }

    @Test
    void idsThatAreNoDirectoryNameAreInvalid() throws IOException {
        CgroupManager m = manager(Fixtures.Host.UNIFIED);
        for (String bad : new String[] {"", "..", "a/b", ".hidden", "x".repeat(129)}) {
            assertThatThrownBy(() -> m.create(bad, CgroupLimits.NONE))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        }
        assertThatThrownBy(() -> new CgroupManager(m.layout(), fs, "../up", pid -> { })).hasMessageContaining("../up");
        assertThatThrownBy(() -> new CgroupManager(m.layout(), fs, "/abs", pid -> { })).hasMessageContaining("/abs");
    }

    @Test
    void aLayoutWithoutCgroupsRefusesLimitsAndContainers() {
        CgroupManager m = new CgroupManager(CgroupLayout.parse("27 1 254:0 / / rw - ext4 /dev/vda rw\n", ""), new FakeCgroupFs(),
                CgroupManager.DEFAULT_PARENT, pid -> { });
        assertThatThrownBy(() -> m.create("c1", CgroupLimits.of(ResourceLimits.builder().memoryMax("1G").build(), 1)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("limits.memoryMax").hasMessageContaining("no cgroup file system is mounted");
        assertThatThrownBy(() -> m.create("c1", CgroupLimits.NONE)).hasMessageContaining("no cgroup file system is mounted");
    }

    @ParameterizedTest
    @EnumSource(Fixtures.Host.class)
    void joinListsAndKillAllEmptiesTheCgroupThenRemoveLeavesNothing(Fixtures.Host host) throws IOException {
        CgroupManager m = manager(host);
        ContainerCgroup c = m.create("c1", allLimits());
        c.join(101);
        c.join(102);
        for (Path procs : c.procsFiles()) {
            assertThat(CgroupManager.pidsOf(Files.readString(procs))).containsExactly(101L, 102L);
        }
        assertThat(c.pids()).containsExactly(101L, 102L);
        assertThat(c.isEmpty()).isFalse();
        c.killAll(Duration.ofSeconds(5));
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.pids()).isEmpty();
        assertThat(fs.killedWhile).as(host + ": v2 trees have cgroup.kill, v1-only hosts freeze first")
                .containsExactly(host == Fixtures.Host.LEGACY ? new String[] {"FROZEN", "FROZEN"} : new String[] {"cgroup.kill", "cgroup.kill"});
        c.remove();
        assertThat(remaining("c1")).isEmpty();
        c.remove(); // idempotent
        c.killAll(Duration.ofMillis(10)); // a removed cgroup is empty
    }

    @ParameterizedTest
    @EnumSource(value = Fixtures.Host.class, names = {"HYBRID", "UNIFIED"})
    void withoutCgroupKillTheTreeIsFrozenKilledAndThawed(Fixtures.Host host) throws IOException {
        CgroupManager m = manager(host);
        fs.hasCgroupKill = false;
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        c.join(201);
        c.join(202);
        c.killAll(Duration.ofSeconds(5));
        assertThat(fs.killedWhile).containsExactly("FROZEN", "FROZEN");
        assertThat(c.isEmpty()).isTrue();
        Path control = host == Fixtures.Host.HYBRID ? cg("freezer/containerv/c1/freezer.state") : cg("containerv/c1/cgroup.freeze");
        assertThat(read(control)).as("thawed again").isIn("THAWED", "0");
    }

    @Test
    void onHybridAProcessThatJoinedOnlyV1HierarchiesIsListedAndKilledToo() throws IOException {
        CgroupManager m = manager(Fixtures.Host.HYBRID);
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        c.join(801);
        for (Path d : c.directories()) {
            if (!d.startsWith(cg("unified"))) {
                fs.spawnIn(d, 802);
            }
        }
        assertThat(c.pids()).containsExactly(801L, 802L);
        c.killAll(Duration.ofSeconds(5));
        assertThat(fs.killedWhile).containsExactly("cgroup.kill", "FROZEN");
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.pids()).isEmpty();
        c.remove();
        assertThat(remaining("c1")).isEmpty();
    }

    @Test
    void withoutAnyFreezerMembersAreKilledInRounds() throws IOException {
        String mountinfo = Fixtures.Host.LEGACY.mountinfo().lines().filter(l -> !l.endsWith("rw,freezer")).reduce("", (a, b) -> a + b + "\n")
                .replace(" /sys/fs/cgroup", " " + root + "/sys/fs/cgroup");
        CgroupManager m = manager(CgroupLayout.parse(mountinfo, ""), "");
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        c.join(301);
        c.killAll(Duration.ofSeconds(5));
        assertThat(fs.killedWhile).containsExactly("THAWED");
        assertThat(c.isEmpty()).isTrue();
    }

    @Test
    void aProcessThatDoesNotDieIsATimeoutNamingIt() throws IOException {
        CgroupLayout layout = Fixtures.layoutUnder(Fixtures.Host.LEGACY, root);
        fs = Fixtures.fakeKernel(layout, "");
        List<Long> signalled = new ArrayList<>();
        CgroupManager m = new CgroupManager(layout, fs, "containerv", signalled::add);
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        c.join(401);
        assertThatThrownBy(() -> c.killAll(Duration.ofMillis(300)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT))
                .hasMessageContaining("[401]");
        assertThat(signalled).contains(401L);
        assertThat(read(cg("freezer/containerv/c1/freezer.state"))).as("never left frozen").isEqualTo("THAWED");
        assertThatThrownBy(() -> c.awaitEmpty(Duration.ofMillis(50))).hasMessageContaining("[401]");
    }

    @Test
    void subCgroupsAreListedAndRemovedLeavesFirst() throws IOException {
        CgroupManager m = manager(Fixtures.Host.UNIFIED);
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        c.join(501);
        fs.mkdir(cg("containerv/c1/inner"));
        fs.mkdir(cg("containerv/c1/inner/deeper"));
        fs.spawnIn(cg("containerv/c1/inner/deeper"), 502);
        assertThat(c.pids()).containsExactlyInAnyOrder(501L, 502L);
        c.killAll(Duration.ofSeconds(5));
        c.remove();
        assertThat(remaining("c1")).isEmpty();
        assertThat(cg("containerv")).as("the parent stays for other containers").isDirectory();
    }

    @Test
    void aCgroupWhoseLastProcessIsStillExitingIsRemovedOnceItIsGone() throws IOException {
        CgroupManager m = manager(Fixtures.Host.UNIFIED);
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        c.join(650);
        fs.exitLater(650, 150);
        c.remove();
        assertThat(remaining("c1")).isEmpty();
    }

    @Test
    void aBusyCgroupIsReportedWithItsDirectory() throws IOException {
        CgroupManager m = manager(Fixtures.Host.UNIFIED);
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        c.join(601);
        assertThatThrownBy(c::remove)
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                    assertThat(e.platformCode()).hasValue("errno EBUSY");
                })
                .hasMessageContaining(cg("containerv/c1").toString());
    }

    @Test
    void leftoversAreTheIdsWithoutALiveContainerAndAreRemovedWithTheirProcesses() throws IOException {
        CgroupManager m = manager(Fixtures.Host.HYBRID);
        m.create("alive", CgroupLimits.NONE);
        m.create("dead", CgroupLimits.NONE).join(701);
        // a leftover that exists in one hierarchy only (a create that died half-way)
        fs.mkdir(cg("memory/containerv/half"));
        assertThat(m.existingIds()).containsExactly("alive", "dead", "half");
        assertThat(m.leftovers(Set.of("alive")::contains)).containsExactly("dead", "half");
        m.removeLeftover("dead", Duration.ofSeconds(5));
        m.removeLeftover("half", Duration.ofSeconds(5));
        assertThat(remaining("dead")).isEmpty();
        assertThat(remaining("half")).isEmpty();
        assertThat(m.existingIds()).containsExactly("alive");
    }

    @Test
    void hybridStatsComeFromTheV1Files() throws IOException {
        CgroupManager m = manager(Fixtures.Host.HYBRID);
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        copyStats("v1", cg("memory/containerv/c1"), "memory.usage_in_bytes", "memory.max_usage_in_bytes");
        copyStats("v1", cg("cpuacct/containerv/c1"), "cpuacct.usage");
        copyStats("v1", cg("blkio/containerv/c1"), "blkio.throttle.io_service_bytes", "blkio.throttle.io_serviced");
        copyStats("v1", cg("pids/containerv/c1"), "pids.current");
        CgroupSample s = c.sample();
        assertThat(s.memoryBytes()).isEqualTo(48_234_496);
        assertThat(s.memoryPeakBytes()).isEqualTo(67_108_864);
        assertThat(s.cpuNanos()).isEqualTo(1_523_402_117L);
        assertThat(s.io()).isEqualTo(new CgroupValues.IoCounters(12_288, 104_857_600, 3, 25_600));
        assertThat(s.processes()).isEqualTo(3);
    }

    @Test
    void unifiedStatsComeFromTheV2Files() throws IOException {
        CgroupManager m = manager(Fixtures.Host.UNIFIED);
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        copyStats("v2", cg("containerv/c1"), "memory.current", "memory.peak", "cpu.stat", "io.stat", "pids.current");
        CgroupSample s = c.sample();
        assertThat(s.memoryBytes()).isEqualTo(48_234_496);
        assertThat(s.memoryPeakBytes()).isEqualTo(67_100_672);
        assertThat(s.cpuNanos()).isEqualTo(1_523_402_000L);
        assertThat(s.io()).isEqualTo(new CgroupValues.IoCounters(1_052_672, 104_865_792, 257, 25_602));
        assertThat(s.processes()).isEqualTo(3);
    }

    @Test
    void legacyStatsWithAMissingFileReadZero() throws IOException {
        CgroupManager m = manager(Fixtures.Host.LEGACY);
        ContainerCgroup c = m.create("c1", CgroupLimits.NONE);
        copyStats("v1", cg("cpu,cpuacct/containerv/c1"), "cpuacct.usage");
        Files.delete(cg("memory/containerv/c1/memory.max_usage_in_bytes"));
        CgroupSample s = c.sample();
        assertThat(s.cpuNanos()).isEqualTo(1_523_402_117L);
        assertThat(s.memoryPeakBytes()).isZero();
        assertThat(s.io()).isEqualTo(CgroupValues.IoCounters.ZERO);
    }

    @Test
    void cpuPercentIsOfOneCpuBetweenTwoSamples() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        CgroupSample a = new CgroupSample(t0, 1_000_000_000L, 10, 20, 2_000_000_000L, CgroupValues.IoCounters.ZERO, 1);
        CgroupSample b = new CgroupSample(t0.plusSeconds(2), 3_000_000_000L, 30, 40, 5_000_000_000L,
                new CgroupValues.IoCounters(1, 2, 3, 4), 5);
        assertThat(b.cpuPercentSince(a)).as("3 s of cpu in 2 s").isEqualTo(150.0);
        assertThat(b.cpuPercentSince(null)).isZero();
        assertThat(a.cpuPercentSince(b)).as("time going backwards").isZero();
        ContainerStats st = b.toStats(a, new CgroupSample.Network(100, 200, 3, 4), 9);
        assertThat(st).isEqualTo(new ContainerStats(t0.plusSeconds(2), 30, 40, 5_000_000_000L, 150.0, 1, 2, 3, 4, 100, 200, 3, 4, 5, 9));
        assertThat(a.toStats(null, CgroupSample.Network.ZERO, 1).cpuPercent()).isZero();
    }

    private static void copyStats(String version, Path dir, String... names) throws IOException {
        for (String n : names) {
            Files.writeString(dir.resolve(n), Fixtures.resource("stats/" + version + "/" + n));
        }
    }
}
