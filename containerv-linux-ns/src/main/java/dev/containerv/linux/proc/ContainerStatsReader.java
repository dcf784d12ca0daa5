package dev.containerv.linux.proc;

import dev.containerv.api.ContainerStats;
import dev.containerv.api.ProcessInfo;
import dev.containerv.linux.cgroup.CgroupSample;
import dev.containerv.linux.cgroup.CgroupValues;
import dev.containerv.linux.cgroup.Controller;
import dev.containerv.linux.cgroup.ContainerCgroup;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statistics and process list of one container. With its cgroup (the usual case): memory current and peak, CPU
 * time, block I/O and the active processes from the cgroup ({@link ContainerCgroup#sample()}; memory and block I/O from
 * {@code /proc} over its members where the cgroup lacks their controller), the process list
 * from the cgroup's members looked up in {@code /proc} (name, memory, CPU, pid inside through NSpid), CPU percent
 * from this object's previous sample. Without one (a host with no cgroup mount), from {@code /proc}: the processes of its pid namespace
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
    private final Optional<ContainerCgroup> cgroup;
    private long lastCpuNanos = -1;
    private long lastSampleNanos;
    private CgroupSample lastSample;
    private long highestContainerPid;

    /**
     * @param pidNamespace the init's pid namespace ({@link Proc#pidNamespace}); {@code null} when the init was
     *                     already gone, which reads as a container without processes
     */
    public ContainerStatsReader(Proc proc, long initPid, String pidNamespace, String containerId) {
        this(proc, initPid, pidNamespace, containerId, Optional.empty());
    }

    /**
     * @param cgroup the container's cgroup: then memory, cpu, block I/O and the active processes come from it, and
     *               the process list is its members; without one, from the container's processes in {@code /proc}
     */
    public ContainerStatsReader(Proc proc, long initPid, String pidNamespace, String containerId, Optional<ContainerCgroup> cgroup) {
        this.cgroup = cgroup;
        this.proc = proc;
        this.initPid = initPid;
        this.pidNamespace = pidNamespace;
        this.containerId = containerId;
    }

    /** One sample; {@code withNetwork} when the container has its own network namespace. */
    public ContainerStats stats(boolean withNetwork) {
        if (cgroup.isPresent()) {
            return cgroupStats(cgroup.get(), withNetwork);
        }
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
        long[] net = network(withNetwork);
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

    private ContainerStats cgroupStats(ContainerCgroup cg, boolean withNetwork) {
        CgroupSample now = withProcCounters(cg, cg.sample());
        CgroupSample earlier;
        synchronized (this) {
            earlier = lastSample;
            lastSample = now;
        }
        long[] net = network(withNetwork);
        return now.toStats(earlier, new CgroupSample.Network(net[0], net[1], net[2], net[3]), startedAtLeast(cg, now.processes()));
    }

    /**
     * The sample with memory and block I/O summed from {@code /proc} over the cgroup's members where the cgroup does not
     * count them: a normal user's delegated subtree without the memory or io controller (on a hybrid host, its v2 tree
     * has neither). Memory is then RSS, its peak the live processes' VmHWM, block I/O their {@code io} bytes.
     */
    private CgroupSample withProcCounters(ContainerCgroup cg, CgroupSample s) {
        boolean memory = cg.directory(Controller.MEMORY).isEmpty();
        boolean io = cg.directory(Controller.IO).isEmpty();
        if (!memory && !io) {
            return s;
        }
        long rss = 0;
        long hwm = 0;
        long rb = 0;
        long wb = 0;
        for (long hostPid : cg.pids()) {
            Optional<Proc.Task> t = proc.task(hostPid);
            if (t.isPresent()) {
                rss += t.get().rssBytes();
                hwm += t.get().hwmBytes();
                rb += t.get().readBytes();
                wb += t.get().writeBytes();
            }
        }
        return new CgroupSample(s.timestamp(), s.monotonicNanos(), memory ? rss : s.memoryBytes(), memory ? hwm : s.memoryPeakBytes(), s.cpuNanos(),
                io ? new CgroupValues.IoCounters(rb, wb, 0, 0) : s.io(), s.processes());
    }

    /**
     * Processes started since create, as far as can be seen from outside: the container's pid namespace hands out
     * pids in order from 1, so the highest in-container pid of a member seen so far (by this object) is a lower
     * bound, exact while the last process started is still alive. ({@code ns_last_pid} would be exact, but the
     * kernel answers it for the reader's own pid namespace, so it cannot be read from the host.)
     */
    private long startedAtLeast(ContainerCgroup cg, long alive) {
        long highest = alive;
        for (long hostPid : cg.pids()) {
            try {
                highest = Math.max(highest, proc.nsPidOf(hostPid));
            } catch (IOException | RuntimeException e) {
                // exited while being looked at
            }
        }
        synchronized (this) {
            highestContainerPid = Math.max(highestContainerPid, highest);
            return highestContainerPid;
        }
    }

    /** rx/tx bytes and packets of the container's own interfaces (its net namespace), or zeros. */
    private long[] network(boolean withNetwork) {
        if (withNetwork) {
            try {
                return proc.networkCounters(initPid);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "network counters of " + containerId + ": " + e);
            }
        }
        return new long[4];
    }

    /** The container's processes, by container pid. */
    public List<ProcessInfo> processes() {
        long tick = 1_000_000_000L / proc.clockTicks();
        List<ProcessInfo> out = new ArrayList<>();
        if (cgroup.isPresent()) {
            for (long hostPid : cgroup.get().pids()) {
                proc.task(hostPid).ifPresent(t -> out.add(new ProcessInfo(t.containerPid(), t.hostPid(), t.name(), t.rssBytes(), t.cpuTicks() * tick)));
            }
        } else if (pidNamespace != null) {
            for (Proc.Task t : proc.tasksIn(pidNamespace, true)) {
                out.add(new ProcessInfo(t.containerPid(), t.hostPid(), t.name(), t.rssBytes(), t.cpuTicks() * tick));
            }
        }
        out.sort((a, b) -> Long.compare(a.pid(), b.pid()));
        return out;
    }
}
