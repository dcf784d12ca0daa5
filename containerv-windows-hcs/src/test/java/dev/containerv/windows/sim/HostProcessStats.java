package dev.containerv.windows.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the simulated Statistics report of a host process: Linux /proc figures. */
final class HostProcessStats {
    private HostProcessStats() {
    }

    /**
     * CPU time of a host process and its reaped children, in 100 ns units: /proc/pid/stat utime, stime, cutime
     * and cstime (USER_HZ 100), since a shell's work is mostly in the children it waits for.
     */
    static long cpu100ns(Process process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return ticks * 100_000L;
        } catch (IOException | RuntimeException e) {
            return process.info().totalCpuDuration().map(d -> d.toNanos() / 100).orElse(0L);
        }
    }

    /** The resident set of a host process (Linux /proc), 0 where unknown. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
