package dev.containerv.linux.cgroup;

import dev.containerv.api.ContainerStats;

import java.time.Instant;
import java.util.Objects;

/**
 * One reading of a container's cgroup counters. Two readings of the same container give the CPU percentage.
 *
 * @param timestamp       wall-clock time of the reading
 * @param monotonicNanos  {@link System#nanoTime()} at the reading, for the interval between two readings
 * @param memoryBytes     memory in use (v2 {@code memory.current}, v1 {@code memory.usage_in_bytes})
 * @param memoryPeakBytes most memory in use (v2 {@code memory.peak}, v1 {@code memory.max_usage_in_bytes}); 0 where
 *                        the kernel has no such file (v2 before Linux 5.19)
 * @param cpuNanos        CPU time of every process ever in the cgroup (v1 {@code cpuacct.usage}, v2 {@code cpu.stat})
 * @param io              block I/O (v2 {@code io.stat}, v1 {@code blkio.throttle.*}); zero without the controller
 * @param processes       tasks alive now ({@code pids.current}; without the pids controller, the processes listed)
 */
public record CgroupSample(Instant timestamp, long monotonicNanos, long memoryBytes, long memoryPeakBytes, long cpuNanos,
                           CgroupValues.IoCounters io, long processes) {
    public CgroupSample {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(io, "io");
    }

    /**
     * CPU use between {@code earlier} and this reading as a percentage of one CPU (200 = two CPUs busy); 0 without
     * an earlier reading or when no time passed.
     */
    public double cpuPercentSince(CgroupSample earlier) {
        if (earlier == null) {
            return 0;
        }
        long wall = monotonicNanos - earlier.monotonicNanos;
        long cpu = cpuNanos - earlier.cpuNanos;
        if (wall <= 0 || cpu <= 0) {
            return 0;
        }
        return cpu * 100.0 / wall;
    }

    /**
     * The API's stats for this reading.
     *
     * @param earlier        the previous reading of the same container object, or {@code null} for the first
     * @param network        the container's interface counters ({@link Network#ZERO} without a network namespace)
     * @param totalProcesses processes started since create; the cgroup does not count them, the caller does
     */
    public ContainerStats toStats(CgroupSample earlier, Network network, long totalProcesses) {
        return new ContainerStats(timestamp, memoryBytes, memoryPeakBytes, cpuNanos, cpuPercentSince(earlier), io.readBytes(),
                io.writeBytes(), io.readOps(), io.writeOps(), network.rxBytes(), network.txBytes(), network.rxPackets(),
                network.txPackets(), processes, totalProcesses);
    }

    /** Network counters of the container's own interfaces, as the container sees them (rx = received inside). */
    public record Network(long rxBytes, long txBytes, long rxPackets, long txPackets) {
        /** No network. */
        public static final Network ZERO = new Network(0, 0, 0, 0);
    }
}
