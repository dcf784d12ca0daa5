package dev.containerv.linux.runtime;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerPaths;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessInfo;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.Signal;
import dev.containerv.linux.cgroup.ContainerCgroup;
import dev.containerv.linux.control.ControlConnection;
import dev.containerv.linux.control.Wire;
import dev.containerv.linux.helper.HelperCopy;
import dev.containerv.linux.proc.ContainerStatsReader;
import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.state.StateFile;
import dev.containerv.linux.state.StatePaths;
import dev.containerv.spi.DeadlineExec;
import dev.containerv.spi.DestroyGrace;
import dev.containerv.spi.LifecycleLog;

import java.lang.ProcessBuilder.Redirect;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A handle on a running Linux container, made by this process ({@link LinuxRuntime#create}) or joined by id:
 * it holds the container's one control connection and its state, and delegates each operation ({@link Spawner},
 * the SPI's {@link DeadlineExec}, {@link HelperCopy}, {@link ContainerStatsReader}, {@link ContainerStop}).
 * Thread-safe.
 */
public final class LinuxContainer implements Container {
    private static final System.Logger LOG = System.getLogger(LinuxContainer.class.getName());
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Redirect NO_INPUT = Redirect.from(Redirect.DISCARD.file());

    private final LinuxRuntime runtime;
    private final ContainerSpec spec;
    private final StateFile state;
    private final StatePaths paths;
    private final Supplier<Path> helper;
    private final Process supervisor;
    private final ControlConnection control;
    private final String pidNamespace;
    private final Spawner spawner;
    private final ContainerStatsReader statsReader;
    private final Object destroyLock = new Object();
    private CompletableFuture<Void> destroyed;
    private boolean detached;

    /**
     * @param state      the pid and start time of the init (and informational fields); no path is taken from it
     * @param paths      the container's directories, derived from its id and the roots
     * @param helper     the helper that copies run: the one that created the container, or the runtime's
     * @param supervisor the helper process when this JVM made the container, else {@code null}
     */
    LinuxContainer(LinuxRuntime runtime, ContainerSpec spec, StateFile state, StatePaths paths, Supplier<Path> helper, Process supervisor,
                   ControlConnection control) {
        this.runtime = runtime;
        this.spec = spec;
        this.state = state;
        this.paths = paths;
        this.helper = helper;
        this.supervisor = supervisor;
        this.control = control;
        // Computed once: every pid lookup compares against it.
        this.pidNamespace = runtime.proc().pidNamespace(state.initPid());
        this.spawner = new Spawner(this, control);
        // The cgroup by id and the host's layout (never by a path from the state file); absent on a host without cgroups.
        Optional<ContainerCgroup> cgroup = runtime.cgroups().manager().map(m -> m.cgroup(spec.id()))
                .filter(cg -> cg.directories().stream().anyMatch(Files::isDirectory));
        this.statsReader = new ContainerStatsReader(runtime.proc(), state.initPid(), pidNamespace, spec.id(), cgroup);
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public ContainerSpec spec() {
        return spec;
    }

    long initPid() {
        return state.initPid();
    }

    Proc proc() {
        return runtime.proc();
    }

    // ---- processes ----

    @Override
    public ContainerProcess spawn(ProcessSpec ps) {
        ensureUsable("linux::Container::spawn");
        return spawner.spawn(ps);
    }

    @Override
    public ExecResult exec(ProcessSpec process) {
        return exec(process, null);
    }

    @Override
    public ExecResult exec(ProcessSpec process, Duration timeout) {
        String op = "linux::Container::exec";
        ensureUsable(op);
        // The program's stdin is the container's /dev/null: no stream connection for an input nobody writes.
        return DeadlineExec.run(piped -> spawner.spawn(piped.toBuilder().redirectInput(NO_INPUT).build()), process, timeout, op, id());
    }

    void kill(LinuxContainerProcess p, Signal signal) {
        String op = "linux::Process::kill";
        if (!control.isOpen()) {
            return;
        }
        long req = control.newRequestId();
        try {
            Wire.Message m = control.request(req, Wire.encode(new Wire.Kill(req, (int) p.containerPid(), signal.number(), 0)))
                    .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (m instanceof Wire.Error e && !e.failure().errnoName().equals("ESRCH")) {
                throw e.failure().toException(op, id(), e.failure().kind(), "cannot send " + signal + " to pid " + p.containerPid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Connection gone: the container, and so the process, is gone, which kill() does not count as an error.
            LOG.log(Level.DEBUG, () -> "kill in " + id() + ": " + e);
        }
    }

    long hostPidOf(long containerPid) {
        return runtime.proc().hostPidOf(state.initPid(), pidNamespace, containerPid);
    }

    // ---- copy ----

    @Override
    public void upload(Path host, String containerPath) {
        String op = "linux::Container::upload";
        String dst = ContainerPaths.check("containerPath", containerPath, GuestOs.LINUX);
        if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "host path " + host + " does not exist; nothing to upload to " + dst)
                    .operation(op).containerId(id()).build();
        }
        ensureUsable(op);
        // A trailing '/' (which the check drops) asks for an existing directory; the helper enforces it.
        boolean mustBeDirectory = containerPath.endsWith("/") && !dst.equals("/");
        long start = LifecycleLog.start();
        HelperCopy.copy(copyTarget(op), op, HelperCopy.Direction.UPLOAD, absolute(host), mustBeDirectory ? dst + "/" : dst);
        LifecycleLog.copied("host " + host + " to container " + id() + ":" + dst, start);
    }

    @Override
    public void download(String containerPath, Path host) {
        String op = "linux::Container::download";
        String src = ContainerPaths.check("containerPath", containerPath, GuestOs.LINUX);
        ensureUsable(op);
        long start = LifecycleLog.start();
        HelperCopy.copy(copyTarget(op), op, HelperCopy.Direction.DOWNLOAD, absolute(host), src);
        LifecycleLog.copied("container " + id() + ":" + src + " to host " + host, start);
    }

    private HelperCopy.Target copyTarget(String op) {
        Path helperPath = helper.get();
        runtime.requireTrustedHelper(helperPath, op, id());
        // With a user namespace, an upload belongs to the owner of its destination's parent (a mapped id), not to
        // the host file's owner (host root, say, which the container would see as nobody).
        return new HelperCopy.Target(id(), helperPath, state.initPid(), state.initStartTime(), spec().has(Capability.USERS));
    }

    /** The helper takes only plain absolute paths: {@code dir/.} and {@code a/../b} mean what they name. */
    private static Path absolute(Path host) {
        return host.toAbsolutePath().normalize();
    }

    // ---- stats, processes ----

    @Override
    public ContainerStats stats() {
        ensureUsable("linux::Container::stats");
        return statsReader.stats(spec.has(Capability.NETWORK));
    }

    @Override
    public List<ProcessInfo> processes() {
        ensureUsable("linux::Container::processes");
        return statsReader.processes();
    }

    // ---- lifecycle ----

    @Override
    public boolean isRunning() {
        synchronized (destroyLock) {
            if (destroyed != null || detached) {
                return false;
            }
        }
        return control.isOpen() && runtime.proc().alive(state.initPid(), state.initStartTime());
    }

    private void ensureUsable(String op) {
        synchronized (destroyLock) {
            if (detached) {
                throw ContainerException.builder(ErrorKind.NOT_FOUND, "this handle was detached from container " + id()
                        + "; open the container again with runtime.open(\"" + id() + "\")").operation(op).containerId(id()).build();
            }
            if (destroyed != null) {
                throw ContainerException.builder(ErrorKind.NOT_FOUND, "container " + id() + " has been destroyed")
                        .operation(op).containerId(id()).build();
            }
        }
        if (!control.isOpen()) {
            throw gone(op, "container " + id() + " is no longer running", control.onClose().getNow(null));
        }
    }

    /** The failure of an operation whose connection broke: {@code NOT_FOUND} when the container has stopped. */
    ContainerException gone(String op, String what, Throwable cause) {
        boolean alive = runtime.proc().alive(state.initPid(), state.initStartTime());
        return ContainerException.builder(alive ? ErrorKind.PLATFORM_FAILURE : ErrorKind.NOT_FOUND,
                what + (alive ? ": the control connection failed" : ": the container has stopped") + (cause != null ? " (" + cause.getMessage() + ")" : ""))
                .operation(op).containerId(id()).cause(cause).build();
    }

    @Override
    public void detach() {
        synchronized (destroyLock) {
            if (destroyed != null || detached) {
                return;
            }
            detached = true;
        }
        control.close();
        LOG.log(Level.DEBUG, () -> "detached from container " + id());
    }

    @Override
    public void destroy() {
        destroy(-1);
    }

    @Override
    public void destroyWithGrace(Duration grace) {
        DestroyGrace.check(grace, "KILL at once");
        // The SHUTDOWN request carries the grace in milliseconds as an unsigned 32-bit number; compared as a Duration
        // first, since toMillis() throws for one longer than a long of milliseconds (ChronoUnit.FOREVER).
        Duration longest = Duration.ofMillis(0xffff_ffffL);
        destroy(grace.compareTo(longest) > 0 ? longest.toMillis() : grace.toMillis());
    }

    private void destroy(long graceMs) {
        CompletableFuture<Void> mine;
        synchronized (destroyLock) {
            if (detached) {
                return;
            }
            if (destroyed != null) {
                mine = null;
            } else {
                destroyed = new CompletableFuture<>();
                mine = destroyed;
            }
        }
        if (mine == null) {
            awaitDestroy();
            return;
        }
        long start = LifecycleLog.start();
        try {
            ContainerStop.stop(id(), state, paths, supervisor, control, runtime.store(), runtime.proc(), graceMs);
            mine.complete(null);
            LifecycleLog.destroyed(id(), start);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private void awaitDestroy() {
        CompletableFuture<Void> f;
        synchronized (destroyLock) {
            f = destroyed;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ContainerException ce) {
                throw ce;
            }
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "destroy of " + id() + " failed", e.getCause());
        }
    }

    @Override
    public void close() {
        destroy();
    }

    @Override
    public String toString() {
        return "LinuxContainer[" + id() + ", init pid " + state.initPid() + "]";
    }
}
