package dev.containerv.windows.internal;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.ProcessInfo;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.Signal;
import dev.containerv.windows.Isolation;
import dev.containerv.windows.WindowsOptions;
import dev.containerv.spi.DeadlineExec;
import dev.containerv.spi.DestroyGrace;
import dev.containerv.spi.LifecycleLog;
import dev.containerv.spi.StdioRedirects;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsJob;
import dev.containerv.windows.hcs.HcsProcess;
import dev.containerv.windows.hcs.HcsSystem;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.ProcessDetails;
import dev.containerv.windows.schema.Properties;
import dev.containerv.windows.schema.PropertyQuery;
import dev.containerv.windows.schema.Statistics;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A created Windows container over HCS: a handle on its compute system, with the undo steps of its creation
 * ({@link ContainerFactory}). Spawn, exec, stats and file transfer ({@link StagingTransfer}) while it lives;
 * {@link #destroy()} kills its processes, stops the system and runs the undo steps, collecting every failure.
 * Thread-safe.
 */
public final class HcsContainer implements Container {
    private static final System.Logger LOG = System.getLogger(HcsContainer.class.getName());

    /** Timeouts of one container's HCS calls. */
    public record Timeouts(Duration create, Duration start, Duration terminate, Duration process) {
        /** The defaults, each overridable with {@code -Dcontainerv.windows.timeout.<name>=<seconds>}. */
        public static Timeouts fromProperties() {
            return new Timeouts(prop("create", 240), prop("start", 240), prop("terminate", 60), prop("process", 60));
        }

        private static Duration prop(String name, long defaultSeconds) {
            String v = System.getProperty("containerv.windows.timeout." + name);
            if (v == null) {
                return Duration.ofSeconds(defaultSeconds);
            }
            try {
                return Duration.ofSeconds(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                throw ContainerException.invalidSpec("containerv.windows.timeout." + name, v, "a whole number of seconds");
            }
        }
    }

    private final HcsApi hcs;
    private final ContainerSpec spec;
    private final WindowsOptions options;
    private final Timeouts timeouts;
    private final Path stateDir;
    private final StagingTransfer transfer;
    private final UndoStack undo;
    private final HcsSystem system;
    private final HcsSystem utilityVm;
    private final HcsJob job;
    private final List<HcsContainerProcess> processes = new CopyOnWriteArrayList<>();
    private final AtomicLong spawned = new AtomicLong();
    private final Object lock = new Object();
    private boolean destroyed;
    private long lastCpu100ns = -1;
    private long lastSampleNanos;

    HcsContainer(HcsApi hcs, ContainerSpec spec, WindowsOptions options, Timeouts timeouts, Path stateDir, Path staging,
                 UndoStack undo, HcsSystem system, HcsSystem utilityVm, HcsJob job) {
        this.hcs = hcs;
        this.spec = spec;
        this.options = options;
        this.timeouts = timeouts;
        this.stateDir = stateDir;
        this.transfer = new StagingTransfer(spec.id(), staging, this::runCmd);
        this.undo = undo;
        this.system = system;
        this.utilityVm = utilityVm;
        this.job = job;
    }

    /** Shuts the system down within {@code grace}, else terminates it; stopped or gone already counts as done. */
    static void stop(HcsApi hcs, HcsSystem system, Duration grace, Timeouts timeouts) {
        if (!grace.isZero()) {
            try {
                hcs.shutdownComputeSystem(system, grace);
                return;
            } catch (HcsException e) {
                if (e.isAlreadyStopped() || e.isNotExist()) {
                    return;
                }
                LOG.log(System.Logger.Level.DEBUG, () -> "shutdown of " + system.id() + " failed (" + e.getMessage() + "); terminating");
            }
        }
        try {
            hcs.terminateComputeSystem(system, timeouts.terminate());
        } catch (HcsException e) {
            if (!e.isAlreadyStopped() && !e.isNotExist()) {
                throw e;
            }
        }
    }

    // ---- Container ----

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public ContainerSpec spec() {
        return spec;
    }

    private void checkAlive(String op) {
        synchronized (lock) {
            if (destroyed) {
                throw ContainerException.builder(ErrorKind.NOT_FOUND, "the container has been destroyed").operation(op).containerId(id()).build();
            }
        }
    }

    @Override
    public ContainerProcess spawn(ProcessSpec process) {
        return spawn(spec().processDefaults().applyTo(process), CommandLines.join(process.command()));
    }

    /**
     * Spawns {@code process} with the given CommandLine instead of one made from its command. Redirect files are
     * opened first (a bad one fails before anything runs); redirects other than PIPE are served by
     * {@link StdioRedirects}, stdin's end goes through {@link ContainerStdin}, which tells HCS.
     */
    private ContainerProcess spawn(ProcessSpec process, String commandLine) {
        String op = Errors.op("Container", "spawn");
        checkAlive(op);
        long start = LifecycleLog.start();
        String parameters = Json.write(ProcessDocuments.of(process, commandLine));
        try (StdioRedirects stdio = StdioRedirects.open(process, op, id())) {
            HcsProcess p;
            try {
                p = hcs.createProcess(system, parameters, timeouts.process());
            } catch (HcsException e) {
                // HCS does not say which name it could not find: the program and the working directory are named here.
                String cwd = process.workingDirectory().orElse("C:\\");
                throw Errors.map(op, id(), "cannot start " + process.command().get(0) + " in working directory " + cwd, e);
            }
            if (job != null && options.isolation() == Isolation.PROCESS) {
                assignToJob(op, p);
            }
            spawned.incrementAndGet();
            OpenProcessHandle handle = new OpenProcessHandle(hcs, p);
            StdioRedirects.ProcessStreams streams = stdio.connect(new ContainerStdin(p.stdin(), handle), p.stdout(), p.stderr());
            HcsContainerProcess result = new HcsContainerProcess(hcs, id(), handle, options.isolation() == Isolation.PROCESS, streams);
            LifecycleLog.spawned(id(), process.command(), result.containerPid(), start);
            result.onExit().thenAccept(x -> LifecycleLog.exited(id(), process.command().get(0), result.containerPid(), x.exitValue(), start));
            stdio.endInputWith(result.onExit());
            processes.add(result);
            // A process whose exit wait failed may still run: it stays listed, so destroy kills it and closes its handle.
            result.onExit().whenComplete((v, t) -> {
                if (t == null) {
                    processes.remove(result);
                }
            });
            return result;
        }
    }

    /**
     * AssignProcessToJobObject for pidsMax: HCS has started the process already, so children it starts before this
     * call are outside the job (docs/windows-provider.md, "What the limit covers"). A refusal ends the process.
     */
    private void assignToJob(String op, HcsProcess p) {
        try {
            hcs.assignProcessToJobObject(job, p.processId());
        } catch (HcsException e) {
            ContainerException mapped = Errors.map(op, id(), e);
            try {
                hcs.terminateProcess(p);
            } catch (HcsException t) {
                mapped.addSuppressed(t);
            } finally {
                hcs.closeProcess(p);
                for (AutoCloseable c : new AutoCloseable[] {p.stdin(), p.stdout(), p.stderr()}) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // the process is ended: its pipes have nothing to report
                    }
                }
            }
            throw mapped;
        }
    }

    @Override
    public ExecResult exec(ProcessSpec process) {
        return exec(process, null);
    }

    @Override
    public ExecResult exec(ProcessSpec process, Duration timeout) {
        return DeadlineExec.run(piped -> spawn(piped, CommandLines.join(piped.command())), spec().processDefaults().applyTo(process), timeout,
                Errors.op("Container", "exec"), id());
    }

    /** Runs a cmd.exe line (cmd.exe reads its own line: never through the C runtime quoting of CommandLines). */
    private ExecResult runCmd(CmdLine line) {
        String text = line.toString();
        return DeadlineExec.run(piped -> spawn(piped, text), ProcessSpec.of("cmd.exe"), text, timeouts.process(), Errors.op("Container", "exec"), id());
    }

    @Override
    public void upload(Path host, String containerPath) {
        checkAlive(Errors.op("Container", "upload"));
        long start = LifecycleLog.start();
        transfer.upload(host, containerPath);
        LifecycleLog.copied("host " + host + " to container " + id() + ":" + containerPath, start);
    }

    @Override
    public void download(String containerPath, Path host) {
        checkAlive(Errors.op("Container", "download"));
        long start = LifecycleLog.start();
        transfer.download(containerPath, host);
        LifecycleLog.copied("container " + id() + ":" + containerPath + " to host " + host, start);
    }

    // ---- stats ----

    private Properties properties(String op, String... types) {
        checkAlive(op);
        try {
            return Json.read(hcs.getComputeSystemProperties(system, Json.write(new PropertyQuery(List.of(types)))), Properties.class);
        } catch (HcsException e) {
            throw Errors.map(op, id(), e);
        }
    }

    @Override
    public ContainerStats stats() {
        Properties p = properties(Errors.op("Container", "stats"), "Statistics", "ProcessList");
        Statistics s = p.statistics();
        long cpu100ns = s != null && s.processor() != null && s.processor().totalRuntime100ns() != null ? s.processor().totalRuntime100ns() : 0;
        long now = System.nanoTime();
        double percent = 0;
        synchronized (lock) {
            if (lastCpu100ns >= 0 && now > lastSampleNanos) {
                percent = (cpu100ns - lastCpu100ns) * 100.0 / ((now - lastSampleNanos) / 100.0);
            }
            lastCpu100ns = cpu100ns;
            lastSampleNanos = now;
        }
        long mem = 0;
        long peak = 0;
        if (s != null && s.memory() != null) {
            mem = orZero(s.memory().memoryUsagePrivateWorkingSetBytes() != null ? s.memory().memoryUsagePrivateWorkingSetBytes() : s.memory().memoryUsageCommitBytes());
            peak = orZero(s.memory().memoryUsageCommitPeakBytes());
        }
        long rb = 0;
        long wb = 0;
        long ro = 0;
        long wo = 0;
        if (s != null && s.storage() != null) {
            rb = orZero(s.storage().readSizeBytes());
            wb = orZero(s.storage().writeSizeBytes());
            ro = orZero(s.storage().readCountNormalized());
            wo = orZero(s.storage().writeCountNormalized());
        }
        long active = p.processList() == null ? 0 : p.processList().size();
        return new ContainerStats(Instant.now(), mem, Math.max(peak, mem), cpu100ns * 100, Math.max(0, percent), rb, wb, ro, wo, 0, 0, 0, 0,
                active, Math.max(spawned.get(), active));
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    @Override
    public List<ProcessInfo> processes() {
        Properties p = properties(Errors.op("Container", "processes"), "ProcessList");
        List<ProcessInfo> out = new ArrayList<>();
        if (p.processList() != null) {
            for (ProcessDetails d : p.processList()) {
                long pid = orZero(d.processId());
                out.add(new ProcessInfo(pid, options.isolation() == Isolation.PROCESS ? pid : 0, d.imageName() == null ? "" : d.imageName(),
                        orZero(d.memoryWorkingSetPrivateBytes()), (orZero(d.userTime100ns()) + orZero(d.kernelTime100ns())) * 100));
            }
        }
        return out;
    }

    @Override
    public boolean isRunning() {
        synchronized (lock) {
            if (destroyed) {
                return false;
            }
        }
        try {
            Properties p = Json.read(hcs.getComputeSystemProperties(system, Json.write(new PropertyQuery(List.of()))), Properties.class);
            return !Boolean.TRUE.equals(p.stopped()) && !"Stopped".equalsIgnoreCase(p.state());
        } catch (HcsException e) {
            return false;
        }
    }

    @Override
    public void destroy() {
        stopAndRemove(options.shutdownTimeout());
    }

    @Override
    public void destroyWithGrace(Duration grace) {
        stopAndRemove(DestroyGrace.check(grace, "terminate at once"));
    }

    private void stopAndRemove(Duration grace) {
        synchronized (lock) {
            if (destroyed) {
                return;
            }
            destroyed = true;
        }
        String op = Errors.op("Container", "destroy");
        long start = LifecycleLog.start();
        List<Throwable> failures = new ArrayList<>();
        for (HcsContainerProcess p : processes) {
            try {
                p.kill(Signal.KILL);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        // Graceful first: the container system is shut down within the grace, then the undo steps terminate
        // (a no-op when stopped), close, and remove network, scratch and state in reverse order of creation.
        try {
            stop(hcs, system, grace, timeouts);
        } catch (HcsException e) {
            failures.add(e);
        }
        for (HcsContainerProcess p : processes) {
            p.closeHandleAfterWaiter(timeouts.terminate());
            p.closeStreams();
        }
        undo.runAll(e -> e instanceof HcsException h && (h.isNotExist() || h.isAlreadyStopped()), failures);
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            ContainerException e = first instanceof HcsException h ? Errors.map(op, id(), h)
                    : Errors.of(ErrorKind.PLATFORM_FAILURE, op, id(), "cleanup failed: " + first.getMessage(), first);
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        LifecycleLog.destroyed(id(), start);
    }

    @Override
    public void close() {
        destroy();
    }

    /** The utility VM handle, if Hyper-V isolated (for tests). */
    Optional<HcsSystem> utilityVm() {
        return Optional.ofNullable(utilityVm);
    }

    /** The state folder (for tests). */
    Path stateDir() {
        return stateDir;
    }
}
