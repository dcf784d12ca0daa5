package dev.containerv.linux.cgroup;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing of interface-file values and stats files of both versions. */
class CgroupValuesTest {
    @Test
    void numbersAndLimits() {
        assertThat(CgroupValues.number("memory.current", "123456\n")).isEqualTo(123456);
        assertThat(CgroupValues.limit("memory.max", "max\n")).isEmpty();
        assertThat(CgroupValues.limit("memory.max", "67108864\n")).hasValue(67108864);
        assertThat(CgroupValues.limit("cpu.cfs_quota_us", "-1\n")).isEmpty();
        assertThat(CgroupValues.limit("memory.limit_in_bytes", "9223372036854771712\n")).as("v1's page-rounded LONG_MAX").isEmpty();
        assertThat(CgroupValues.limit("memory.limit_in_bytes", "9223372036854775807")).isEmpty();
        assertThatThrownBy(() -> CgroupValues.number("pids.current", "lots")).hasMessageContaining("pids.current").hasMessageContaining("lots");
    }

    @Test
    void keyedFiles() {
        String events = "populated 1\nfrozen 0\n";
        assertThat(CgroupValues.keyed("cgroup.events", events, "populated")).hasValue(1);
        assertThat(CgroupValues.keyed("cgroup.events", events, "frozen")).hasValue(0);
        assertThat(CgroupValues.keyed("cgroup.events", events, "absent")).isEmpty();
    }

    @Test
    void cpuStatUsageInNanoseconds() {
        String cpuStat = Fixtures.resource("stats/v2/cpu.stat");
        assertThat(CgroupValues.cpuStatNanos(cpuStat)).isEqualTo(1_523_402_000L);
        assertThat(CgroupValues.cpuStatNanos("usage_nsec 77\nusage_usec 1\n")).isEqualTo(77);
        assertThat(CgroupValues.cpuStatNanos("")).isZero();
    }

    @Test
    void ioStatSumsDevicesAndIgnoresDiscards() {
        CgroupValues.IoCounters io = CgroupValues.ioStat(Fixtures.resource("stats/v2/io.stat"));
        assertThat(io).isEqualTo(new CgroupValues.IoCounters(4096 + 1_048_576, 104_857_600 + 8192, 1 + 256, 25_600 + 2));
        assertThat(CgroupValues.ioStat("")).isEqualTo(CgroupValues.IoCounters.ZERO);
    }

    @Test
    void blkioSumsReadAndWriteLinesAndSkipsTotals() {
        CgroupValues.IoCounters io = CgroupValues.blkio(Fixtures.resource("stats/v1/blkio.throttle.io_service_bytes"),
                Fixtures.resource("stats/v1/blkio.throttle.io_serviced"));
        assertThat(io).isEqualTo(new CgroupValues.IoCounters(8192 + 4096, 104_857_600 + 0, 2 + 1, 25_600 + 0));
        assertThat(CgroupValues.blkio("Total 0\n", "Total 0\n")).isEqualTo(CgroupValues.IoCounters.ZERO);
    }
}
