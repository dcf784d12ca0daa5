package dev.containerv.linux.internal;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerPaths;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessInfo;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.Signal;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.lang.System.Logger.Level;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running Linux container, made by this process ({@link LinuxRuntime#create}) or joined by id. Holds
 * one control connection; each spawn is one SPAWN frame plus one socket per piped stream. Thread-safe.
 */
public final class LinuxContainer implements Container {
    private static final System.Logger LOG = System.getLogger(LinuxContainer.class.getName());
    private static final SecureRandom TOKENS = new SecureRandom();
    private static final Duration SPAWN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final LinuxRuntime runtime;
    private final ContainerSpec spec;
    private final StateFile state;
    private final Path stateDir;
    private final Path layerDir;
    private final Process supervisor;
    private final ControlConnection control;
    private final String pidNamespace;
    private final Object destroyLock = new Object();
    private CompletableFuture<Void> destroyed;
    private boolean detached;
    private long lastCpuNanos = -1;
    private long lastSampleNanos;

    LinuxContainer(LinuxRuntime runtime, ContainerSpec spec, StateFile state, Process supervisor, ControlConnection control) {
        this.runtime = runtime;
        this.spec = spec;
        this.state = state;
        this.stateDir = Path.of(state.stateDir());
        this.layerDir = Path.of(state.layerDir());
        this.supervisor = supervisor;
        this.control = control;
        // Computed once: every pid lookup compares against it.
        this.pidNamespace = runtime.proc().pidNamespace(state.initPid());
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public ContainerSpec spec() {
        return spec;
    }

    StateFile state() {
        return state;
    }

    // ---- spawn ----

    @Override
    public ContainerProcess spawn(ProcessSpec ps) {
        return spawn(ps, false);
    }

    private LinuxContainerProcess spawn(ProcessSpec ps, boolean emptyStdin) {
        String op = "linux::Container::spawn";
        ensureUsable(op);
        String cwd = ps.workingDirectory().map(d -> ContainerPaths.check("process.workingDirectory", d, GuestOs.LINUX)).orElse("");
        String program = ps.command().get(0);
        LinuxContainerProcess process = new LinuxContainerProcess(this, program);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            // Files first, like ProcessBuilder.start(): a bad redirect fails before anything runs.
            InputStream stdinSource = emptyStdin ? null : inputSource(ps.stdin(), op);
            if (stdinSource != null) {
                opened.add(stdinSource);
            }
            OutputStream stdoutSink = outputSink(ps.stdout(), FileDescriptor.out, op);
            if (stdoutSink != null) {
                opened.add(stdoutSink);
            }
            OutputStream stderrSink = ps.redirectErrorStream() ? null : outputSink(ps.stderr(), FileDescriptor.err, op);
            if (stderrSink != null) {
                opened.add(stderrSink);
            }

            long inToken = 0;
            if (!emptyStdin && !isNull(ps.stdin())) {
                inToken = token();
                SocketChannel ch = control.openStream(0, inToken);
                opened.add(ch);
                if (stdinSource == null) {
                    process.pipeStdin(ch);
                } else {
                    pump(stdinSource, new SocketOutputStream(ch), true);
                }
            }
            long outToken = 0;
            if (!isNull(ps.stdout())) {
                outToken = token();
                SocketChannel ch = control.openStream(1, outToken);
                opened.add(ch);
                if (stdoutSink == null) {
                    process.pipeStdout(ch);
                } else {
                    process.addOutputPump(pump(java.nio.channels.Channels.newInputStream(ch), stdoutSink, false));
                }
            }
            long errToken = 0;
            if (ps.redirectErrorStream()) {
                errToken = outToken;
            } else if (!isNull(ps.stderr())) {
                errToken = token();
                SocketChannel ch = control.openStream(2, errToken);
                opened.add(ch);
                if (stderrSink == null) {
                    process.pipeStderr(ch);
                } else {
                    process.addOutputPump(pump(java.nio.channels.Channels.newInputStream(ch), stderrSink, false));
                }
            }
            int flags = program.indexOf('/') < 0 ? Wire.SPAWN_SEARCH_PATH : 0;
            long req = control.newRequestId();
            Wire.Spawn frame = new Wire.Spawn(req, flags, inToken, outToken, errToken, "", ps.command(),
                    environment(ps), cwd, ps.user().orElse(""), List.of());
            control.send(req, Wire.encode(frame), process);
            Wire.Message answer = process.spawnAnswer.get(SPAWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (answer instanceof Wire.Error e) {
                throw spawnError(e.failure(), ps, cwd);
            }
            if (!(answer instanceof Wire.Spawned)) {
                throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "unexpected answer to SPAWN: " + answer);
            }
            return process;
        } catch (ContainerException e) {
            closeAll(opened, e);
            throw e;
        } catch (TimeoutException e) {
            closeAll(opened, e);
            throw ContainerException.builder(ErrorKind.TIMEOUT, "the container's init did not answer the spawn of " + ps.command()
                    + " within " + SPAWN_TIMEOUT.toSeconds() + " s").operation(op).containerId(id()).cause(e).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(opened, e);
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "interrupted while spawning " + ps.command())
                    .operation(op).containerId(id()).cause(e).build();
        } catch (IOException | ExecutionException e) {
            closeAll(opened, e);
            throw gone(op, "cannot spawn " + ps.command(), e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    private ContainerException spawnError(HelperFailure f, ProcessSpec ps, String cwd) {
        String op = "linux::Container::spawn";
        String program = f.path().isEmpty() ? ps.command().get(0) : f.path();
        String in = " in container " + id();
        return switch (f.step()) {
            case "exec" -> switch (f.errnoName()) {
                case "ENOENT" -> f.toException(op, id(), ErrorKind.NOT_FOUND, "program " + ps.command().get(0) + " not found" + in);
                case "EACCES", "EPERM" -> f.toException(op, id(), ErrorKind.PERMISSION_DENIED, "program " + program + " cannot be executed" + in);
                case "ENOEXEC" -> f.toException(op, id(), ErrorKind.INVALID_SPEC, "program " + program + " is not an executable for this machine" + in);
                default -> f.toException(op, id(), f.kind(), "cannot execute " + program + in);
            };
            case "chdir" -> f.toException(op, id(), "ENOTDIR".equals(f.errnoName()) ? ErrorKind.INVALID_SPEC : f.kind(),
                    "working directory " + (cwd.isEmpty() ? "/" : cwd) + " of " + ps.command().get(0)
                            + ("ENOENT".equals(f.errnoName()) ? " does not exist" : " cannot be entered") + in);
            case "user" -> f.toException(op, id(), "ENOENT".equals(f.errnoName()) ? ErrorKind.NOT_FOUND : f.kind(),
                    "user '" + ps.user().orElse("") + "' is not in /etc/passwd of container " + id());
            case "group" -> f.toException(op, id(), "ENOENT".equals(f.errnoName()) ? ErrorKind.NOT_FOUND : f.kind(),
                    "the group of user '" + ps.user().orElse("") + "' is not in /etc/group of container " + id());
            case "shutdown" -> f.toException(op, id(), ErrorKind.NOT_FOUND, "container " + id() + " is stopping; cannot start " + ps.command());
            default -> f.toException(op, id(), f.kind(), "cannot start " + ps.command() + in);
        };
    }

    private List<String> environment(ProcessSpec ps) {
        Map<String, String> env = new LinkedHashMap<>();
        if (ps.defaultEnvironment()) {
            env.put("PATH", StandardSetup.DEFAULT_PATH);
            env.put("HOME", ps.user().map(this::homeOf).orElse("/root"));
            env.put("TERM", "xterm");
        }
        env.putAll(ps.environment());
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** The home directory of a user from the container's own /etc/passwd (read through the init's root). */
    private String homeOf(String user) {
        String name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        Path passwd = runtime.proc().root().resolve(Long.toString(state.initPid())).resolve("root/etc/passwd");
        try {
            for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 6 && (f[0].equals(name) || f[2].equals(name))) {
                    return f[5].isEmpty() ? "/" : f[5];
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "cannot read " + passwd + ": " + e);
        }
        return name.equals("0") || name.equals("root") ? "/root" : "/";
    }

    private static boolean isNull(Redirect r) {
        return r.file() != null && r.file().getPath().equals("/dev/null") && r.type() != Redirect.Type.APPEND;
    }

    private InputStream inputSource(Redirect r, String op) {
        if (r.type() == Redirect.Type.PIPE || isNull(r)) {
            return null;
        }
        if (r.type() == Redirect.Type.INHERIT) {
            return new FileInputStream(FileDescriptor.in) {
                @Override
                public void close() {
                    // never close the JVM's own stdin: the pump closes what it reads from
                }
            };
        }
        try {
            return new FileInputStream(r.file());
        } catch (FileNotFoundException e) {
            throw ContainerException.builder(r.file().exists() ? ErrorKind.PERMISSION_DENIED : ErrorKind.NOT_FOUND,
                    "cannot read standard input from " + r.file() + ": " + e.getMessage()).operation(op).containerId(id()).cause(e).build();
        }
    }

    private OutputStream outputSink(Redirect r, FileDescriptor inherit, String op) {
        if (r.type() == Redirect.Type.PIPE || isNull(r)) {
            return null;
        }
        if (r.type() == Redirect.Type.INHERIT) {
            return new FileOutputStream(inherit) {
                @Override
                public void close() {
                    // never close the JVM's own stdout/stderr
                }
            };
        }
        try {
            return new FileOutputStream(r.file(), r.type() == Redirect.Type.APPEND);
        } catch (FileNotFoundException e) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "cannot write output to " + r.file() + ": " + e.getMessage())
                    .operation(op).containerId(id()).cause(e).build();
        }
    }

    private CompletableFuture<Void> pump(InputStream in, OutputStream out, boolean closeOut) {
        return CompletableFuture.runAsync(() -> {
            try (InputStream i = in) {
                i.transferTo(out);
                out.flush();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "stream pump of container " + id() + " ended: " + e);
            } finally {
                try {
                    if (closeOut || !(out instanceof FileOutputStream f && isStd(f))) {
                        out.close();
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, () -> "closing pumped stream: " + e);
                }
            }
        }, runtime.executor());
    }

    private static boolean isStd(FileOutputStream f) {
        try {
            FileDescriptor fd = f.getFD();
            return fd == FileDescriptor.out || fd == FileDescriptor.err;
        } catch (IOException e) {
            return false;
        }
    }

    private static long token() {
        long t;
        do {
            t = TOKENS.nextLong();
        } while (t == 0);
        return t;
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
        Proc proc = runtime.proc();
        // The init's direct children are the spawned processes: a cheap first look before a full scan.
        Path children = proc.root().resolve(state.initPid() + "/task/" + state.initPid() + "/children");
        try {
            for (String s : Files.readString(children).trim().split(" ")) {
                if (!s.isEmpty()) {
                    long h = Long.parseLong(s);
                    if (nsPidOf(proc, h) == containerPid) {
                        return h;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "reading " + children + ": " + e);
        }
        return pidNamespace == null ? -1 : proc.hostPidOf(pidNamespace, containerPid);
    }

    private static long nsPidOf(Proc proc, long hostPid) throws IOException {
        for (String line : Files.readAllLines(proc.root().resolve(hostPid + "/status"))) {
            if (line.startsWith("NSpid:")) {
                String[] ids = line.substring(6).trim().split("\\s+");
                return Long.parseLong(ids[ids.length - 1]);
            }
        }
        return -1;
    }

    // ---- exec ----

    @Override
    public ExecResult exec(ProcessSpec process) {
        return exec(process, null);
    }

    @Override
    public ExecResult exec(ProcessSpec process, Duration timeout) {
        String op = "linux::Container::exec";
        LinuxContainerProcess p = spawn(process.toBuilder().redirectOutput(Redirect.PIPE)
                .redirectError(process.redirectErrorStream() ? Redirect.DISCARD : Redirect.PIPE).build(), true);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), runtime.executor());
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), runtime.executor());
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        try {
            if (timeout == null) {
                p.waitFor();
                return new ExecResult(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
            }
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                p.waitFor(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                throw ContainerException.builder(ErrorKind.TIMEOUT, process.command() + " ran longer than " + timeout
                        + " and was killed").operation(op).containerId(id()).build();
            }
            try {
                // The timeout bounds the whole call: a background process it started may hold the output open.
                byte[] stdout = out.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                byte[] stderr = err.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return new ExecResult(p.exitValue(), new String(stdout, StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8));
            } catch (TimeoutException e) {
                closeQuietly(p.getInputStream());
                closeQuietly(p.getErrorStream());
                throw ContainerException.builder(ErrorKind.TIMEOUT, process.command() + " exited with " + p.exitValue()
                        + ", but its output was still open after " + timeout + " (a background process it started holds it?)")
                        .operation(op).containerId(id()).build();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "interrupted while running " + process.command())
                    .operation(op).containerId(id()).cause(e).build();
        } catch (ExecutionException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot read the output of " + process.command())
                    .operation(op).containerId(id()).cause(e.getCause()).build();
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing an output stream of an exec: " + e);
        }
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
        runtime.copy(this, op, "upload", absolute(host), dst);
    }

    @Override
    public void download(String containerPath, Path host) {
        String op = "linux::Container::download";
        String src = ContainerPaths.check("containerPath", containerPath, GuestOs.LINUX);
        ensureUsable(op);
        runtime.copy(this, op, "download", absolute(host), src);
    }

    /** The helper takes only plain absolute paths: {@code dir/.} and {@code a/../b} mean what they name. */
    private static Path absolute(Path host) {
        return host.toAbsolutePath().normalize();
    }

    // ---- stats, processes ----

    @Override
    public ContainerStats stats() {
        String op = "linux::Container::stats";
        ensureUsable(op);
        Proc proc = runtime.proc();
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
        long[] net = spec.has(Capability.NETWORK) ? networkCounters(proc) : new long[4];
        long now = System.nanoTime();
        double percent;
        synchronized (this) {
            percent = lastCpuNanos < 0 || now == lastSampleNanos ? 0 : Math.max(0, (cpu - lastCpuNanos) * 100.0 / (now - lastSampleNanos));
            lastCpuNanos = cpu;
            lastSampleNanos = now;
        }
        return new ContainerStats(Instant.now(), mem, hwm, cpu, percent, rb, wb, 0, 0, net[0], net[1], net[2], net[3],
                tasks.size(), totalProcesses(proc, tasks.size()));
    }

    /** Pids are handed out in order in a fresh namespace, so the last one is the count started (until it wraps). */
    private long totalProcesses(Proc proc, long alive) {
        Path last = proc.root().resolve(state.initPid() + "/root/proc/sys/kernel/ns_last_pid");
        try {
            return Math.max(alive, Long.parseLong(Files.readString(last).trim()));
        } catch (IOException | RuntimeException e) {
            return alive;
        }
    }

    /** rx bytes, tx bytes, rx packets, tx packets of the container's interfaces other than lo. */
    private long[] networkCounters(Proc proc) {
        long[] r = new long[4];
        try {
            List<String> lines = Files.readAllLines(proc.root().resolve(state.initPid() + "/net/dev"));
            for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
                int colon = line.indexOf(':');
                if (colon < 0 || line.substring(0, colon).trim().equals("lo")) {
                    continue;
                }
                String[] f = line.substring(colon + 1).trim().split("\\s+");
                r[0] += Long.parseLong(f[0]);
                r[2] += Long.parseLong(f[1]);
                r[1] += Long.parseLong(f[8]);
                r[3] += Long.parseLong(f[9]);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "network counters of " + id() + ": " + e);
        }
        return r;
    }

    @Override
    public List<ProcessInfo> processes() {
        ensureUsable("linux::Container::processes");
        Proc proc = runtime.proc();
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

    private ContainerException gone(String op, String what, Throwable cause) {
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
        try {
            runtime.stop(this, supervisor, control);
            mine.complete(null);
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

    private static void closeAll(List<AutoCloseable> resources, Throwable primary) {
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                primary.addSuppressed(e);
            }
        }
    }
}
