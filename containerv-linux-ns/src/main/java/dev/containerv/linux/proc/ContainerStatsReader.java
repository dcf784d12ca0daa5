package dev.containerv.linux.proc;

import dev.containerv.api.ContainerStats;
import dev.containerv.api.ProcessInfo;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The statistics and process list of one container, from {@code /proc}: the processes of its pid namespace
 * summed (memory = RSS, peak = the live processes' VmHWM, block I/O from {@code io}), network counters of its
 * network namespace, and the count of processes ever started from {@code ns_last_pid}. Keeps the previous CPU
 * sample to give a percentage. Thread-safe.
 */
public final class ContainerStatsReader {
    private static final System.Logger LOG = System.getLogger(ContainerStatsReader.class.getName());

    private final Proc proc;
    private final long initPid;
    private final String pidNamespace;
    private final String containerId;
    private long lastCpuNanos = -1;
    private long lastSampleNanos;

    /**
     * @param pidNamespace the init's pid namespace ({@link Proc#pidNamespace}); {@code null} when the init was
     *                     already gone, which reads as a container without processes
     */
    public ContainerStatsReader(Proc proc, long initPid, String pidNamespace, String containerId) {
        this.proc = proc;
        this.initPid = initPid;
        this.pidNamespace = pidNamespace;
        this.containerId = containerId;
    }

    /** One sample; {@code withNetwork} when the container has its own network namespace. */
    public ContainerStats stats(boolean withNetwork) {
        List<Proc.Task> tasks = pidNamespace == null ? List.of() : proc.tasksIn(pidNamespace, true);
        long tick = 1_000_000_000L / proc.clockTicks();
        long mem = 0;
        long hwm = 0;
        long cpu = 0;
        long rb = 0;
        long wb = 0;
        for (Proc.Task t : tasks) {
            mem += t.rssBytes();
            hwm += t.hwmBytes();
            cpu += t.cpuTicks() * tick;
            rb += t.readBytes();
            wb += t.writeBytes();
        }
        long[] net = new long[4];
        if (withNetwork) {
            try {
                net = proc.networkCounters(initPid);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "network counters of " + containerId + ": " + e);
            }
        }
        long now = System.nanoTime();
        double percent;
        synchronized (this) {
            percent = lastCpuNanos < 0 || now == lastSampleNanos ? 0 : Math.max(0, (cpu - lastCpuNanos) * 100.0 / (now - lastSampleNanos));
            lastCpuNanos = cpu;
            lastSampleNanos = now;
        }
        long alive = tasks.size();
        long started = Math.max(alive, proc.lastPidInNamespaceOf(initPid).orElse(alive));
        return new ContainerStats(Instant.now(), mem, hwm, cpu, percent, rb, wb, 0, 0, net[0], net[1], net[2], net[3], alive, started);
    }

    /** The container's processes, by container pid. */
    public List<ProcessInfo> processes() {
        long tick = 1_000_000_000L / proc.clockTicks();
        List<ProcessInfo> out = new ArrayList<>();
        if (pidNamespace != null) {
            for (Proc.Task t : proc.tasksIn(pidNamespace, true)) {
                out.add(new ProcessInfo(t.containerPid(), t.hostPid(), t.name(), t.rssBytes(), t.cpuTicks() * tick));
            }
        }
        out.sort((a, b) -> Long.compare(a.pid(), b.pid()));
        return out;
    }
}
