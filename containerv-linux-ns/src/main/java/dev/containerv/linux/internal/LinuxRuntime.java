package dev.containerv.linux.internal;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerPaths;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.Layer;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.linux.LinuxOptions;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@code linux-ns} runtime: validates specs, writes launch plans, starts the helper and turns its
 * reports into containers or {@link ContainerException}s; finds, joins and cleans containers by id.
 * Thread-safe.
 */
public final class LinuxRuntime implements ContainerRuntime {
    private static final System.Logger LOG = System.getLogger(LinuxRuntime.class.getName());
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);
    private static final long STREAM_TIMEOUT_MS = 10_000;
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK, Capability.IPC, Capability.CGROUPS));
    private static final Set<RuntimeFeature> FEATURES = Collections.unmodifiableSet(EnumSet.of(
            RuntimeFeature.STATS, RuntimeFeature.PROCESS_LIST, RuntimeFeature.FILE_TRANSFER, RuntimeFeature.OPEN_BY_ID,
            RuntimeFeature.PERSISTENT, RuntimeFeature.HOST_DIRECTORY_LAYERS, RuntimeFeature.TMPFS_LAYERS,
            RuntimeFeature.RUN_AS_USER, RuntimeFeature.POSIX_SIGNALS));

    /**
     * Owner pipes of the non-persistent containers this JVM made, held strongly: a pipe closed by the
     * garbage collector would stop a container the caller merely stopped referencing.
     */
    private static final Map<String, OutputStream> OWNER_PIPES = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(daemon("containerv-watchdog"));
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(daemon("containerv-stream"));

    private final LinuxOptions defaults;
    private final Supplier<Path> helper;
    private final LongSupplier euid;
    private final Proc proc;

    /**
     * @param defaults options for specs without a {@link LinuxOptions} extension, and the roots of open/list
     * @param helper   the helper binary; throws a {@link ContainerException} when there is none
     * @param euid     this process's effective uid (a seam for tests)
     */
    public LinuxRuntime(LinuxOptions defaults, Supplier<Path> helper, LongSupplier euid, Proc proc) {
        this.defaults = defaults;
        this.helper = helper;
        this.euid = euid;
        this.proc = proc;
    }

    @Override
    public String name() {
        return "linux-ns";
    }

    @Override
    public GuestOs guestOs() {
        return GuestOs.LINUX;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Set<RuntimeFeature> features() {
        return FEATURES;
    }

    Proc proc() {
        return proc;
    }

    ExecutorService executor() {
        return PUMPS;
    }

    // ---- create ----

    @Override
    public Container create(ContainerSpec spec) {
        String op = "linux::Runtime::create";
        String id = spec.id();
        LinuxOptions options = spec.extension(LinuxOptions.class).orElse(defaults);
        Path rootfs = validate(spec, op);
        requireRoot(op, id, "create a container");
        Path helperPath = options.helperPath().isPresent() ? requireHelper(op, id, options.helperPath().get()) : helper.get();
        Path stateDir = options.stateRoot().resolve(id);
        Path layerDir = options.layerRoot().resolve(id);
        Path socket = stateDir.resolve("control");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
            throw ContainerException.invalidSpec("linuxOptions.stateRoot", options.stateRoot(),
                    "a state root short enough that " + socket + " fits the 107 bytes of a Unix socket path");
        }
        claimStateDir(op, id, options, stateDir, layerDir);
        Process helperProcess = null;
        try {
            StateFile state = initialState(spec, rootfs, options, stateDir, layerDir, socket, helperPath);
            state.write(stateDir);
            // The id is ours now; a layer tree without a state dir is debris of an earlier crash.
            List<Exception> debris = new ArrayList<>();
            removeWithMounts(layerDir, debris);
            if (!debris.isEmpty()) {
                IOException e = new IOException("cannot remove the old layer directory " + layerDir + ": " + debris);
                debris.forEach(e::addSuppressed);
                throw e;
            }
            LaunchPlan plan = plan(spec, rootfs, options, stateDir, layerDir, socket);
            Path planFile = stateDir.resolve("plan");
            Files.writeString(Files.createFile(planFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    plan.render());
            Path log = Files.createFile(stateDir.resolve("helper.log"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // Held open so the log can still be read after the supervisor has removed the state directory.
            try (RandomAccessFile logReader = new RandomAccessFile(log.toFile(), "r")) {
                helperProcess = new ProcessBuilder(helperPath.toString(), "init", planFile.toString())
                        .redirectInput(Redirect.PIPE).redirectOutput(Redirect.PIPE).redirectError(Redirect.appendTo(log.toFile()))
                        .start();
                state = state.withSupervisor(helperProcess.pid());
                state.write(stateDir);
                StatusLine status = readStatus(helperProcess, op, id, logReader);
                if (status instanceof StatusLine.Error e) {
                    throw createFailed(op, spec, rootfs, e.failure(), helperProcess, stateDir, layerDir, logReader);
                }
                StatusLine.Ready ready = (StatusLine.Ready) status;
                state = state.running(ready.supervisorPid(), ready.initPid(), ready.initStartTime());
                ControlConnection control = ControlConnection.connect(socket, id);
                try {
                    state.write(stateDir);
                } catch (IOException e) {
                    control.close();
                    throw e;
                }
                if (spec.persistent()) {
                    helperProcess.getOutputStream().close();
                } else {
                    OWNER_PIPES.put(stateDir.toString(), helperProcess.getOutputStream());
                }
                LOG.log(Level.DEBUG, () -> "created container " + id + " (init pid " + ready.initPid() + ")");
                return new LinuxContainer(this, spec, state, helperProcess, control);
            }
        } catch (ContainerException e) {
            abortCreate(helperProcess, stateDir, layerDir, e);
            throw e;
        } catch (IOException | RuntimeException e) {
            ContainerException ce = ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot create container " + id + ": " + e.getMessage())
                    .operation(op).containerId(id).cause(e).build();
            abortCreate(helperProcess, stateDir, layerDir, ce);
            throw ce;
        }
    }

    private Path validate(ContainerSpec spec, String op) {
        String id = spec.id();
        Set<Capability> caps = spec.capabilities();
        for (Capability required : List.of(Capability.FILESYSTEM, Capability.PROCESS_CONTROL)) {
            if (!caps.contains(required)) {
                throw notSupported(op, id, "a spec without Capability." + required + ": linux-ns always gives a container its own "
                        + "mount and pid namespaces (its root is an overlay, its helper is PID 1 and reaps every process); add "
                        + required + " to the capabilities");
            }
        }
        if (caps.contains(Capability.USERS)) {
            throw notSupported(op, id, "Capability.USERS (user namespaces come in a later version)");
        }
        if (spec.network().isPresent()) {
            throw notSupported(op, id, "a NetworkSpec (container addressing comes in a later version; Capability.NETWORK alone gives an isolated stack with lo)");
        }
        if (!spec.limits().isEmpty()) {
            throw notSupported(op, id, "resource limits " + spec.limits() + " (limits come in a later version)");
        }
        if (!spec.uidMappings().isEmpty() || !spec.gidMappings().isEmpty()) {
            throw notSupported(op, id, "uid/gid mappings (user namespaces come in a later version)");
        }
        if (spec.policy().isPresent()) {
            throw notSupported(op, id, "a SecurityPolicy (security policies come in a later version)");
        }
        for (Object ext : spec.extensions().values()) {
            if (!(ext instanceof LinuxOptions)) {
                LOG.log(Level.DEBUG, () -> "ignoring extension for another platform: " + ext.getClass().getName());
            }
        }
        for (Layer layer : spec.layers()) {
            String at = ContainerPaths.check("layer.containerPath", layer.containerPath().orElseThrow(), GuestOs.LINUX);
            if (layer.kind() == Layer.Kind.HOST_DIRECTORY) {
                Path src = layer.source().orElseThrow();
                if (!Files.exists(src)) {
                    throw ContainerException.builder(ErrorKind.NOT_FOUND, "layer source " + src + " (for " + at + ") does not exist on the host")
                            .operation(op).containerId(id).build();
                }
            }
        }
        Path rootfs = spec.rootfs();
        if (!Files.exists(rootfs)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "rootfs " + rootfs + " does not exist; give a host directory holding the container's root file system")
                    .operation(op).containerId(id).build();
        }
        if (!Files.isDirectory(rootfs)) {
            throw ContainerException.builder(ErrorKind.INVALID_SPEC, "rootfs " + rootfs + " is not a directory; accepted: a host directory holding the container's root file system")
                    .operation(op).containerId(id).build();
        }
        Path real;
        try {
            real = rootfs.toRealPath();
        } catch (IOException e) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "rootfs " + rootfs + " cannot be resolved: " + e.getMessage())
                    .operation(op).containerId(id).cause(e).build();
        }
        String s = real.toString();
        if (s.contains(",") || s.contains(":") || s.contains("\\")) {
            throw ContainerException.invalidSpec("rootfs", rootfs, "a directory whose real path has no ',', ':' or '\\' (overlayfs cannot name it)");
        }
        return real;
    }

    private void requireRoot(String op, String id, String what) {
        long uid = euid.getAsLong();
        if (uid != 0) {
            throw ContainerException.builder(ErrorKind.PERMISSION_DENIED, "to " + what + " linux-ns needs root (new namespaces, mounts, "
                    + defaults.stateRoot() + "); this process runs as uid " + uid + ": run it as root")
                    .operation(op).containerId(id).build();
        }
    }

    /** A helper named by the spec's LinuxOptions; the launch itself refuses one of another plan version. */
    private static Path requireHelper(String op, String id, Path path) {
        if (!Files.isRegularFile(path)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "linuxOptions.helperPath: the helper " + path
                    + " does not exist or is not a file; accepted: the path of a containerv-helper binary").operation(op).containerId(id).build();
        }
        if (!Files.isExecutable(path)) {
            throw ContainerException.builder(ErrorKind.PERMISSION_DENIED, "linuxOptions.helperPath: the helper " + path
                    + " is not executable by this process; accepted: a containerv-helper binary this process may execute").operation(op).containerId(id).build();
        }
        return path;
    }

    private static ContainerException notSupported(String op, String id, String what) {
        return ContainerException.builder(ErrorKind.NOT_SUPPORTED, "linux-ns does not support " + what).operation(op).containerId(id).build();
    }

    /** mkdir of the state directory is the lock on the id; stale state of a dead container is cleaned first. */
    private void claimStateDir(String op, String id, LinuxOptions options, Path stateDir, Path layerDir) {
        try (StateRootLock held = StateRootLock.acquire(options.stateRoot())) {
            claimStateDirLocked(op, id, options, stateDir, layerDir);
        } catch (IOException e) {
            throw ContainerException.builder(ioKind(e), "cannot lock the state root " + options.stateRoot() + ": " + e)
                    .operation(op).containerId(id).cause(e).build();
        }
    }

    private void claimStateDirLocked(String op, String id, LinuxOptions options, Path stateDir, Path layerDir) {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.createDirectories(options.layerRoot(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.createDirectory(stateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                return;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 0 && isStale(stateDir)) {
                    LOG.log(Level.INFO, () -> "removing stale state of container " + id + " (its init is gone)");
                    cleanStale(stateDir, layerDir);
                    continue;
                }
                throw ContainerException.builder(ErrorKind.ALREADY_EXISTS, "a container with id '" + id + "' exists already (" + stateDir + ")")
                        .operation(op).containerId(id).build();
            } catch (IOException e) {
                throw ContainerException.builder(ioKind(e), "cannot create the state directory " + stateDir + ": " + e)
                        .operation(op).containerId(id).cause(e).build();
            }
        }
    }

    private StateFile initialState(ContainerSpec spec, Path rootfs, LinuxOptions options, Path stateDir, Path layerDir, Path socket, Path helperPath) {
        long self = ProcessHandle.current().pid();
        List<StateFile.LayerRecord> layers = new ArrayList<>();
        for (Layer l : spec.layers()) {
            layers.add(new StateFile.LayerRecord(l.kind().name(), l.source().map(Path::toString).orElse(null),
                    l.containerPath().orElse(null), l.access().name(), l.sizeBytes().isPresent() ? l.sizeBytes().getAsLong() : null));
        }
        List<String> caps = spec.capabilities().stream().map(Enum::name).sorted().toList();
        return new StateFile(1, spec.id(), StateFile.CREATING, self, proc.startTime(self).orElse(0), 0, 0, 0, Instant.now().toString(),
                spec.persistent(), spec.hostname(), rootfs.toString(), caps, layers, stateDir.toString(), layerDir.toString(),
                socket.toString(), helperPath.toString(), options.stopGrace().toMillis());
    }

    /** The plan for a validated spec. Package-private for tests. */
    static LaunchPlan plan(ContainerSpec spec, Path rootfs, LinuxOptions options, Path stateDir, Path layerDir, Path socket) throws IOException {
        LaunchPlan plan = new LaunchPlan(spec.id(), spec.hostname());
        if (spec.has(Capability.NETWORK)) {
            plan.namespace("net");
        }
        if (spec.has(Capability.IPC)) {
            plan.namespace("ipc");
        }
        if (spec.has(Capability.CGROUPS)) {
            plan.namespace("cgroup");
        }
        plan.stateDir(stateDir, socket);
        Path merged = layerDir.resolve("merged");
        Files.createDirectories(layerDir);
        Files.createDirectories(merged);
        // overlayfs refuses an upper or work dir inside (or around) its lower dir: then the writable layer lives on a tmpfs.
        Path layerReal = layerDir.toRealPath();
        if (layerReal.startsWith(rootfs) || rootfs.startsWith(layerReal)) {
            Path scratch = layerDir.resolve("scratch");
            Files.createDirectories(scratch);
            plan.overlayOnTmpfs(rootfs, scratch, 0, merged);
        } else {
            Path upper = layerDir.resolve("upper");
            Path work = layerDir.resolve("work");
            Files.createDirectories(upper);
            Files.createDirectories(work);
            plan.overlay(rootfs, upper, work, merged);
        }
        for (Layer l : spec.layers()) {
            String at = l.containerPath().orElseThrow();
            if (l.kind() == Layer.Kind.HOST_DIRECTORY) {
                plan.bind(l.source().orElseThrow().toAbsolutePath(), at, l.access() == Access.READ_ONLY);
            } else if (l.kind() == Layer.Kind.TMPFS) {
                plan.tmpfs(at, l.sizeBytes().orElse(0), 01777);
            }
        }
        plan.persistent(spec.persistent());
        plan.stopGraceMs(options.stopGrace().toMillis());
        plan.streamTimeoutMs(STREAM_TIMEOUT_MS);
        plan.cleanupTree(layerDir);
        plan.cleanupTree(stateDir);
        return plan;
    }

    private StatusLine readStatus(Process helperProcess, String op, String id, RandomAccessFile log) {
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(helperProcess::destroyForcibly, CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(helperProcess.getInputStream(), StandardCharsets.UTF_8))) {
            line = r.readLine();
        } catch (IOException e) {
            line = null;
        } finally {
            watchdog.cancel(false);
        }
        if (line == null) {
            int code = waitQuietly(helperProcess, Duration.ofSeconds(5));
            boolean timedOut = watchdog.isDone() && !watchdog.isCancelled();
            throw ContainerException.builder(timedOut ? ErrorKind.TIMEOUT : ErrorKind.PLATFORM_FAILURE,
                    (timedOut ? "the helper did not report within " + CREATE_TIMEOUT.toSeconds() + " s and was killed"
                            : "the helper ended (exit " + code + ") without reporting ready or an error") + "; its log: " + tail(log))
                    .operation(op).containerId(id).build();
        }
        try {
            return StatusLine.parse(line);
        } catch (IllegalArgumentException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "the helper's status line is not understood: " + e.getMessage())
                    .operation(op).containerId(id).cause(e).build();
        }
    }

    private ContainerException createFailed(String op, ContainerSpec spec, Path rootfs, HelperFailure f, Process helperProcess,
                                            Path stateDir, Path layerDir, RandomAccessFile log) {
        // The supervisor cleans up after an error line; its exit says it has finished (exit 2: it has not).
        int code = waitQuietly(helperProcess, Duration.ofSeconds(30));
        String sentence = switch (f.step()) {
            case "plan", "usage" -> "the helper rejected the launch plan (a containerv bug; please report it with "
                    + stateDir.resolve("plan") + ")";
            case "bind", "bind-remount-ro" -> "cannot mount a host directory layer into container " + spec.id();
            case "overlay", "tmpfs-upper" -> "cannot mount rootfs " + rootfs + " with its writable layer under " + layerDir;
            default -> "cannot create container " + spec.id() + " from rootfs " + rootfs;
        };
        ErrorKind kind = f.step().equals("plan") || f.step().equals("usage") ? ErrorKind.PLATFORM_FAILURE
                : f.step().equals("bind") && f.errnoName().equals("ENOTDIR") ? ErrorKind.INVALID_SPEC : f.kind();
        ContainerException e = f.toException(op, spec.id(), kind, sentence);
        if (code == 2 || code == 3) {
            LOG.log(Level.DEBUG, () -> "helper exit " + code + " for " + spec.id() + "; cleaning up on the Java side. Log: " + tail(log));
        }
        return e;
    }

    private void abortCreate(Process helperProcess, Path stateDir, Path layerDir, ContainerException primary) {
        if (helperProcess != null && helperProcess.isAlive()) {
            // Before ready: the supervisor SIGKILLs the init and cleans up on SIGTERM.
            helperProcess.destroy();
            if (waitQuietly(helperProcess, Duration.ofSeconds(10)) == Integer.MIN_VALUE) {
                helperProcess.destroyForcibly();
                waitQuietly(helperProcess, Duration.ofSeconds(5));
            }
        }
        OWNER_PIPES.remove(stateDir.toString());
        removeLeftovers(stateDir, layerDir).forEach(primary::addSuppressed);
    }

    // ---- stop (destroy) ----

    void stop(LinuxContainer c, Process supervisor, ControlConnection control) {
        String op = "linux::Container::destroy";
        StateFile s = c.state();
        long graceMs = s.stopGraceMs();
        List<Exception> problems = new ArrayList<>();
        if (control.isOpen()) {
            long req = control.newRequestId();
            try {
                control.request(req, Wire.encode(new Wire.Shutdown(req, graceMs))).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.DEBUG, () -> "SHUTDOWN of " + c.id() + ": " + e);
            }
        }
        Duration patience = Duration.ofMillis(graceMs).plusSeconds(15);
        try {
            control.onClose().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            problems.add(e);
        }
        control.close();
        if (supervisor != null) {
            if (waitQuietly(supervisor, Duration.ofSeconds(15)) == Integer.MIN_VALUE) {
                LOG.log(Level.WARNING, () -> "the supervisor of " + c.id() + " did not exit; killing it");
                supervisor.destroyForcibly();
                waitQuietly(supervisor, Duration.ofSeconds(5));
            }
            OWNER_PIPES.remove(s.stateDir());
            try {
                supervisor.getOutputStream().close();
            } catch (IOException e) {
                problems.add(e);
            }
        } else {
            awaitGone(s.supervisorPid(), Duration.ofSeconds(15));
        }
        awaitGone(s.initPid(), Duration.ofSeconds(5));
        List<Exception> left = removeLeftovers(Path.of(s.stateDir()), Path.of(s.layerDir()));
        if (!left.isEmpty() || proc.alive(s.initPid(), s.initStartTime())) {
            ContainerException e = ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "container " + c.id()
                    + " could not be removed completely: " + left).operation(op).containerId(c.id()).build();
            left.forEach(e::addSuppressed);
            problems.forEach(e::addSuppressed);
            throw e;
        }
    }

    private void awaitGone(long pid, Duration timeout) {
        if (pid <= 0) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(h -> {
            try {
                h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.log(Level.DEBUG, () -> "pid " + pid + " still there after " + timeout);
            }
        });
    }

    // ---- open, list, stale state ----

    @Override
    public Container open(String id) {
        String op = "linux::Runtime::open";
        ContainerSpec.requireValidId(id);
        Path stateDir = defaults.stateRoot().resolve(id);
        StateFile s;
        try {
            s = StateFile.read(stateDir);
        } catch (NoSuchFileException e) {
            if (Files.isDirectory(stateDir)) {
                cleanIfStale(stateDir, defaults.layerRoot().resolve(id));
            }
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "no container with id '" + id + "' under " + defaults.stateRoot())
                    .operation(op).containerId(id).build();
        } catch (IOException e) {
            throw ContainerException.builder(ioKind(e), "cannot read the state of container " + id + ": " + e).operation(op).containerId(id).cause(e).build();
        }
        if (!StateFile.RUNNING.equals(s.phase())) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "container '" + id + "' is still being created").operation(op).containerId(id).build();
        }
        if (!proc.alive(s.initPid(), s.initStartTime())) {
            cleanIfStale(stateDir, Path.of(s.layerDir()));
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "container '" + id + "' has stopped (its init, pid " + s.initPid()
                    + ", is gone); its stale state was removed").operation(op).containerId(id).build();
        }
        requireRoot(op, id, "open a container");
        try {
            ControlConnection control = ControlConnection.connect(Path.of(s.controlSocket()), id);
            return new LinuxContainer(this, specOf(s), s, null, control);
        } catch (IOException e) {
            throw ContainerException.builder(proc.alive(s.initPid(), s.initStartTime()) ? ErrorKind.PLATFORM_FAILURE : ErrorKind.NOT_FOUND,
                    "cannot connect to container " + id + " at " + s.controlSocket() + ": " + e.getMessage())
                    .operation(op).containerId(id).cause(e).build();
        }
    }

    private static ContainerSpec specOf(StateFile s) {
        ContainerSpec.Builder b = ContainerSpec.builder().id(s.id()).rootfs(Path.of(s.rootfs())).hostname(s.hostname()).persistent(s.persistent())
                .capabilities(s.capabilities().stream().map(Capability::valueOf).toArray(Capability[]::new));
        for (StateFile.LayerRecord l : s.layers()) {
            Access access = Access.valueOf(l.access());
            if (l.kind().equals(Layer.Kind.HOST_DIRECTORY.name())) {
                b.layer(Layer.hostDirectory(Path.of(l.source()), l.containerPath(), access));
            } else if (l.kind().equals(Layer.Kind.TMPFS.name())) {
                b.layer(l.sizeBytes() == null ? Layer.tmpfs(l.containerPath()) : Layer.tmpfs(l.containerPath(), Long.toString(l.sizeBytes())));
            }
        }
        return b.build();
    }

    @Override
    public List<String> list() {
        List<String> ids = new ArrayList<>();
        Path root = defaults.stateRoot();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : ds) {
                String id = dir.getFileName().toString();
                if (!ContainerSpec.isValidId(id)) {
                    continue;
                }
                try {
                    StateFile s = StateFile.read(dir);
                    if (StateFile.RUNNING.equals(s.phase()) && proc.alive(s.initPid(), s.initStartTime())) {
                        ids.add(id);
                        continue;
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, () -> "no readable state in " + dir + ": " + e);
                }
                if (isStale(dir)) {
                    cleanIfStale(dir, defaults.layerRoot().resolve(id));
                }
            }
        } catch (IOException e) {
            throw ContainerException.builder(ioKind(e), "cannot list " + root + ": " + e).operation("linux::Runtime::list").cause(e).build();
        }
        Collections.sort(ids);
        return ids;
    }

    /**
     * Stale: its init is gone (running state), or it was being created by a process that is gone and no
     * supervisor of it is alive. A directory without readable state older than a minute is stale too.
     */
    boolean isStale(Path stateDir) {
        StateFile s;
        try {
            s = StateFile.read(stateDir);
        } catch (IOException e) {
            try {
                return Files.getLastModifiedTime(stateDir).toInstant().isBefore(Instant.now().minusSeconds(60));
            } catch (IOException gone) {
                return false;
            }
        }
        if (StateFile.RUNNING.equals(s.phase())) {
            return !proc.alive(s.initPid(), s.initStartTime());
        }
        boolean creatorAlive = proc.alive(s.creatorPid(), s.creatorStartTime());
        boolean supervisorAlive = s.supervisorPid() > 0 && proc.startTime(s.supervisorPid()).isPresent();
        return !creatorAlive && !supervisorAlive;
    }

    /**
     * Removes the state if it is stale, judged again under the state root's lock: between a first look and the
     * removal, another process may have replaced the dead container's state with a new container's.
     */
    private void cleanIfStale(Path stateDir, Path layerDir) {
        try (StateRootLock held = StateRootLock.acquire(stateDir.getParent())) {
            if (isStale(stateDir)) {
                cleanStale(stateDir, layerDir);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, () -> "cannot lock " + stateDir.getParent() + " to remove stale state of " + stateDir + ": " + e);
        }
    }

    /** Removes a stale container's state and layers; the caller holds the state root's lock. */
    private void cleanStale(Path stateDir, Path layerDir) {
        List<Exception> left = removeLeftovers(stateDir, layerDir);
        if (!left.isEmpty()) {
            LOG.log(Level.WARNING, () -> "could not remove all stale state of " + stateDir + ": " + left);
        }
    }

    /** Unmounts what is mounted under either directory, then removes both trees; returns what failed. */
    List<Exception> removeLeftovers(Path stateDir, Path layerDir) {
        List<Exception> problems = new ArrayList<>();
        removeWithMounts(layerDir, problems);
        removeWithMounts(stateDir, problems);
        return problems;
    }

    /** Detaches every mount at or under {@code dir} (deepest first), then removes the tree; adds what failed. */
    private void removeWithMounts(Path dir, List<Exception> problems) {
        // A mount point cannot be removed while mounted, so a missing directory has no mounts: the usual case at
        // create and after the supervisor's own cleanup, where reading the mount table would be wasted work.
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        for (Path mp : proc.mountsUnder(dir)) {
            try {
                Process p = new ProcessBuilder("umount", "--lazy", mp.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (p.waitFor() != 0) {
                    problems.add(new IOException("umount --lazy " + mp + " failed: " + out));
                }
            } catch (IOException e) {
                problems.add(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add(e);
            }
        }
        try {
            removeTree(dir);
        } catch (IOException e) {
            problems.add(e);
        }
    }

    /** Removes a tree without following symlinks (they are removed, never followed). */
    static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ---- copy ----

    void copy(LinuxContainer c, String op, String mode, Path host, String containerPath) {
        StateFile s = c.state();
        List<String> cmd = new ArrayList<>(List.of(s.helper(), "copy", mode, "--pid", Long.toString(s.initPid()),
                "--expect-starttime", Long.toString(s.initStartTime())));
        if (mode.equals("upload")) {
            cmd.addAll(List.of("--host", host.toString(), "--container", containerPath));
        } else {
            cmd.addAll(List.of("--container", containerPath, "--host", host.toString()));
        }
        String what = mode.equals("upload") ? "upload " + host + " to " + containerPath + " in container " + c.id()
                : "download " + containerPath + " of container " + c.id() + " to " + host;
        Process p = null;
        try {
            p = new ProcessBuilder(cmd).redirectInput(Redirect.from(new File("/dev/null"))).redirectError(Redirect.DISCARD).start();
            Process proc0 = p;
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(proc0::destroyForcibly, COPY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String out;
            try {
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                p.waitFor();
            } finally {
                watchdog.cancel(false);
            }
            if (out.isEmpty()) {
                throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot " + what + ": the helper exited with "
                        + p.exitValue() + " without a result").operation(op).containerId(c.id()).build();
            }
            StatusLine line = StatusLine.parse(out.lines().reduce((a, b) -> b).orElse(out));
            if (line instanceof StatusLine.Error e) {
                throw copyError(c, op, mode, what, e.failure(), host, containerPath);
            }
            if (line instanceof StatusLine.CopyOk ok) {
                LOG.log(Level.DEBUG, () -> what + ": " + ok);
                return;
            }
            throw new IllegalArgumentException("unexpected copy result '" + out + "'");
        } catch (IOException | IllegalArgumentException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot " + what + ": " + e.getMessage())
                    .operation(op).containerId(c.id()).cause(e).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "interrupted: " + what).operation(op).containerId(c.id()).cause(e).build();
        }
    }

    private static ContainerException copyError(LinuxContainer c, String op, String mode, String what, HelperFailure f, Path host, String containerPath) {
        boolean hostSide = f.step().equals("host-open") || (mode.equals("download") && f.path().equals(host.toString()));
        ErrorKind kind = f.kind();
        String sentence;
        if (f.step().equals("target")) {
            kind = ErrorKind.NOT_FOUND;
            sentence = "cannot " + what + ": the container is no longer running";
        } else if (f.step().equals("depth")) {
            kind = ErrorKind.RESOURCE_LIMIT;
            sentence = "cannot " + what + ": the tree is too deep; nothing was left behind";
        } else if ("ELOOP".equals(f.errnoName()) && (f.step().equals("host-open") || f.step().equals("container-open"))) {
            kind = ErrorKind.PERMISSION_DENIED;
            sentence = "cannot " + what + ": " + (hostSide ? "the host path" : "the container path") + " leads through a link a copy does not follow";
        } else if ("ENOENT".equals(f.errnoName())) {
            sentence = "cannot " + what + ": " + (hostSide ? "host path " : "container path ") + (f.path().isEmpty() ? (hostSide ? host : containerPath) : f.path())
                    + " does not exist" + (mode.equals("upload") || hostSide ? " (the parent of the destination must exist)" : "");
        } else if ("EISDIR".equals(f.errnoName()) || "ENOTDIR".equals(f.errnoName())) {
            kind = ErrorKind.INVALID_SPEC;
            sentence = "cannot " + what + ": the destination is a directory and the source is not, or a parent is not a directory";
        } else {
            sentence = "cannot " + what;
        }
        return f.toException(op, c.id(), kind, sentence);
    }

    // ---- helpers ----

    private static ErrorKind ioKind(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return ErrorKind.PERMISSION_DENIED;
        }
        if (e instanceof NoSuchFileException) {
            return ErrorKind.NOT_FOUND;
        }
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left") ? ErrorKind.RESOURCE_LIMIT : ErrorKind.PLATFORM_FAILURE;
    }

    private static int waitQuietly(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : Integer.MIN_VALUE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Integer.MIN_VALUE;
        }
    }

    private static String tail(RandomAccessFile log) {
        try {
            long len = log.length();
            long from = Math.max(0, len - 2000);
            byte[] b = new byte[(int) (len - from)];
            log.seek(from);
            log.readFully(b);
            String s = new String(b, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "(empty)" : s.replace('\n', '|');
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A supplier that always throws: for a runtime whose helper could not be found. */
    public static Supplier<Path> failingHelper(String reason) {
        return () -> {
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, "linux-ns has no usable helper: " + reason);
        };
    }

    /** For LinuxOptions-less callers. */
    public LinuxOptions defaults() {
        return defaults;
    }
}
