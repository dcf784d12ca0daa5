package dev.containerv.linux.cgroup;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ResourceLimits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which files and values each layout gets for a set of limits. */
class LimitPlanTest {
    private static final Function<Controller, Optional<Integer>> ALL_V2 = c -> Optional.of(2);
    private static final Function<Controller, Optional<Integer>> ALL_V1 = c -> Optional.of(1);
    private static final LimitPlan.Missing MISSING = (c, v2, v1) -> "no " + c.v1Name() + " (" + v2 + "/" + v1 + ")";

    private static CgroupLimits all(int hostCpus) {
        return CgroupLimits.of(ResourceLimits.builder().memoryMax("64M").cpuWeight(200).cpuPercent(50).pidsMax(32).build(), hostCpus)
                .withIoWeight(300);
    }

    @Test
    void v2WritesMemoryAndTheSwapCapWeightBandwidthPidsAndIoWeight() {
        List<LimitWrite> plan = LimitPlan.plan(all(2), ALL_V2, MISSING);
        assertThat(plan).extracting(LimitWrite::toString).containsExactly(
                "memory.max=67108864",
                "memory.swap.max=0 (if present)",
                "cpu.weight=200",
                "cpu.max=100000 100000",
                "pids.max=32",
                "io.weight=default 300 | io.bfq.weight=default 300");
        assertThat(plan).allMatch(w -> w.version() == 2);
        assertThat(plan.get(1).required()).isFalse();
        assertThat(plan.get(0).required()).isTrue();
    }

    @Test
    void v1WritesMemoryThenMemswSharesPeriodBeforeQuotaPidsAndBlkioWeight() {
        List<LimitWrite> plan = LimitPlan.plan(all(4), ALL_V1, MISSING);
        assertThat(plan).extracting(LimitWrite::toString).containsExactly(
                "memory.limit_in_bytes=67108864",
                "memory.memsw.limit_in_bytes=67108864 (if present)",
                "cpu.shares=2048",
                "cpu.cfs_period_us=100000",
                "cpu.cfs_quota_us=200000",
                "pids.max=32",
                "blkio.weight=300 | blkio.bfq.weight=300");
        assertThat(plan).allMatch(w -> w.version() == 1);
    }

    @Test
    void aHybridHostMixesVersionsPerController() {
        List<LimitWrite> plan = LimitPlan.plan(all(2), c -> Optional.of(c == Controller.PIDS ? 2 : 1), MISSING);
        assertThat(plan).filteredOn(w -> w.controller() == Controller.PIDS).singleElement().satisfies(w -> assertThat(w.version()).isEqualTo(2));
        assertThat(plan).filteredOn(w -> w.controller() == Controller.MEMORY).allMatch(w -> w.version() == 1);
    }

    @Test
    void noLimitsNoWrites() {
        assertThat(LimitPlan.plan(CgroupLimits.NONE, c -> Optional.empty(), MISSING)).isEmpty();
        assertThat(CgroupLimits.of(ResourceLimits.none(), 2).isEmpty()).isTrue();
    }

    @Test
    void aLimitWhoseControllerIsMissingIsNotSupportedNamingTheSettingControllerAndFile() {
        CgroupLimits pids = CgroupLimits.of(ResourceLimits.builder().pidsMax(32).build(), 1);
        assertThatThrownBy(() -> LimitPlan.plan(pids, c -> c == Controller.PIDS ? Optional.empty() : Optional.of(2), MISSING))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("limits.pidsMax").hasMessageContaining("no pids (pids.max/pids.max)");
        CgroupLimits memory = CgroupLimits.of(ResourceLimits.builder().memoryMax("1G").build(), 1);
        assertThatThrownBy(() -> LimitPlan.plan(memory, c -> Optional.empty(), MISSING))
                .hasMessageContaining("limits.memoryMax").hasMessageContaining("memory.max/memory.limit_in_bytes");
    }

    @Test
    void sharesKeepTheDefaultAndTheRatiosAndStayInTheKernelRange() {
        assertThat(LimitPlan.shares(100)).as("default weight = default shares").isEqualTo(1024);
        assertThat(LimitPlan.shares(50)).isEqualTo(512);
        assertThat(LimitPlan.shares(200)).isEqualTo(2048);
        assertThat(LimitPlan.shares(1)).isEqualTo(10);
        assertThat(LimitPlan.shares(10_000)).isEqualTo(102_400);
        for (int w = 1; w <= 10_000; w++) {
            assertThat(LimitPlan.shares(w)).isBetween(2L, 262_144L);
        }
    }

    @Test
    void cpuQuotaFromPercentOfTheHostFromCountAndTheSmallerOfBoth() {
        assertThat(CgroupLimits.of(ResourceLimits.builder().cpuPercent(50).build(), 2).cpuQuotaMicros()).hasValue(100_000);
        assertThat(CgroupLimits.of(ResourceLimits.builder().cpuPercent(50).build(), 1).cpuQuotaMicros()).hasValue(50_000);
        assertThat(CgroupLimits.of(ResourceLimits.builder().cpuPercent(25).build(), 8).cpuQuotaMicros()).hasValue(200_000);
        assertThat(CgroupLimits.of(ResourceLimits.builder().cpuCount(3).build(), 8).cpuQuotaMicros()).hasValue(300_000);
        assertThat(CgroupLimits.of(ResourceLimits.builder().cpuCount(3).cpuPercent(25).build(), 8).cpuQuotaMicros()).hasValue(200_000);
        assertThat(CgroupLimits.of(ResourceLimits.builder().cpuCount(1).cpuPercent(25).build(), 8).cpuQuotaMicros()).hasValue(100_000);
        assertThat(CgroupLimits.of(ResourceLimits.builder().cpuPercent(1).build(), 1).cpuQuotaMicros()).as("the kernel minimum")
                .hasValue(CgroupLimits.MIN_QUOTA_MICROS);
        assertThat(CgroupLimits.of(ResourceLimits.builder().cpuWeight(5).build(), 1).cpuQuotaMicros()).isEmpty();
        assertThatThrownBy(() -> CgroupLimits.of(ResourceLimits.none(), 0)).hasMessageContaining("hostCpus");
    }

    @Test
    void theOriginalDefaultsAre1GWeight100And256Pids() {
        ResourceLimits d = CgroupLimits.originalDefaults();
        assertThat(d.memoryMaxBytes()).hasValue(1L << 30);
        assertThat(d.cpuWeight()).hasValue(100);
        assertThat(d.pidsMax()).hasValue(256);
        assertThat(d.cpuPercent()).isEmpty();
        assertThat(LimitPlan.plan(CgroupLimits.of(d, 2), ALL_V2, MISSING)).extracting(LimitWrite::toString)
                .containsExactly("memory.max=1073741824", "memory.swap.max=0 (if present)", "cpu.weight=100", "pids.max=256");
    }

    @Test
    void limitsOutsideTheKernelRangesAreRejected() {
        assertThatThrownBy(() -> new CgroupLimits(OptionalLong.empty(), OptionalInt.of(0), OptionalLong.empty(), 100_000, OptionalLong.empty(),
                OptionalInt.empty())).hasMessageContaining("cpuWeight");
        assertThatThrownBy(() -> new CgroupLimits(OptionalLong.empty(), OptionalInt.empty(), OptionalLong.of(10), 100_000, OptionalLong.empty(),
                OptionalInt.empty())).hasMessageContaining("cpuQuotaMicros");
        assertThatThrownBy(() -> CgroupLimits.NONE.withIoWeight(10_001)).hasMessageContaining("ioWeight");
    }

    @Test
    void ioWeightAboveBfqRangeIsCappedForBfqAndV1() {
        List<LimitWrite> v2 = LimitPlan.plan(CgroupLimits.NONE.withIoWeight(5000), ALL_V2, MISSING);
        assertThat(v2).extracting(LimitWrite::toString).containsExactly("io.weight=default 5000 | io.bfq.weight=default 1000");
        List<LimitWrite> v1 = LimitPlan.plan(CgroupLimits.NONE.withIoWeight(1), ALL_V1, MISSING);
        assertThat(v1).extracting(LimitWrite::toString).as("CFQ accepts 10..1000, BFQ 1..1000").containsExactly("blkio.weight=10 | blkio.bfq.weight=1");
    }
}
