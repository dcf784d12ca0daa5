package dev.containerv.api;

import java.time.Instant;

/**
 * A snapshot of a container's resource use, with the fields of the original library. A value the
 * platform does not report is 0.
 *
 * @param timestamp        when the snapshot was taken
 * @param memoryUsageBytes memory in use now
 * @param memoryPeakBytes  the most memory in use since creation
 * @param cpuTimeNanos     CPU time used by all processes since creation
 * @param cpuPercent       CPU use since the previous snapshot of this container object, as a percentage of one CPU
 *                         (0 on the first snapshot)
 * @param readBytes        bytes read from block devices
 * @param writeBytes       bytes written to block devices
 * @param readOps          block read operations
 * @param writeOps         block write operations
 * @param networkRxBytes   bytes received by the container's network interface
 * @param networkTxBytes   bytes sent by the container's network interface
 * @param networkRxPackets packets received
 * @param networkTxPackets packets sent
 * @param activeProcesses  processes alive now
 * @param totalProcesses   processes started since creation
 */
public record ContainerStats(
        Instant timestamp,
        long memoryUsageBytes,
        long memoryPeakBytes,
        long cpuTimeNanos,
        double cpuPercent,
        long readBytes,
        long writeBytes,
        long readOps,
        long writeOps,
        long networkRxBytes,
        long networkTxBytes,
        long networkRxPackets,
        long networkTxPackets,
        long activeProcesses,
        long totalProcesses) {
}
