package dev.containerv.windows.internal;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerPaths;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.ProcessInfo;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.Signal;
import dev.containerv.windows.Isolation;
import dev.containerv.windows.WindowsOptions;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsJob;
import dev.containerv.windows.hcs.HcsProcess;
import dev.containerv.windows.hcs.HcsSystem;
import dev.containerv.windows.schema.ComputeSystem;
import dev.containerv.windows.schema.Dns;
import dev.containerv.windows.schema.HostComputeEndpoint;
import dev.containerv.windows.schema.HostComputeNamespace;
import dev.containerv.windows.schema.HostComputeNetwork;
import dev.containerv.windows.schema.IpConfig;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.NamespaceEndpoint;
import dev.containerv.windows.schema.NamespaceResourceRequest;
import dev.containerv.windows.schema.ProcessDetails;
import dev.containerv.windows.schema.Properties;
import dev.containerv.windows.schema.PropertyQuery;
import dev.containerv.windows.schema.Route;
import dev.containerv.windows.schema.Statistics;
import dev.containerv.windows.schema.Version;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Windows container over HCS. {@link #create} builds it step by step and, on any failure, undoes the
 * steps already done in reverse order; {@link #destroy()} undoes all of them, collecting every failure.
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
    private final Path staging;
    private final Deque<Runnable> undo;
    private final HcsSystem system;
    private final HcsSystem utilityVm;
    private final HcsJob job;
    private final List<HcsContainerProcess> processes = new CopyOnWriteArrayList<>();
    private final AtomicInteger transfers = new AtomicInteger();
    private final AtomicLong spawned = new AtomicLong();
    private final Object lock = new Object();
    private boolean destroyed;
    private long lastCpu100ns = -1;
    private long lastSampleNanos;

    private HcsContainer(HcsApi hcs, ContainerSpec spec, WindowsOptions options, Timeouts timeouts, Path stateDir, Path staging,
                         Deque<Runnable> undo, HcsSystem system, HcsSystem utilityVm, HcsJob job) {
        this.hcs = hcs;
        this.spec = spec;
        this.options = options;
        this.timeouts = timeouts;
        this.stateDir = stateDir;
        this.staging = staging;
        this.undo = undo;
        this.system = system;
        this.utilityVm = utilityVm;
        this.job = job;
    }

    /**
     * Creates and starts the container: staging folder, scratch layer (process isolation), network,
     * compute system(s), job object. All or nothing.
     */
    public static HcsContainer create(HcsApi hcs, ContainerSpec spec, Path stateRoot, Timeouts timeouts) {
        String id = spec.id();
        String createOp = Errors.op("Container", "create");
        WindowsOptions options = Documents.options(spec);
        Deque<Runnable> undo = new ArrayDeque<>();
        String step = createOp;
        try {
            Path stateDir = stateRoot.resolve(id);
            if (Files.exists(stateDir)) {
                throw ContainerException.builder(ErrorKind.ALREADY_EXISTS, "a container with this id exists already (its state folder " + stateDir + " is present)")
                        .operation(createOp).containerId(id).build();
            }
            Path staging = stateDir.resolve("staging");
            Files.createDirectories(staging);
            undo.push(() -> deleteTree(stateDir));

            ScratchLayer.Plan plan = ScratchLayer.plan(spec.rootfs(), options.parentLayers().map(l -> l.stream().map(HostPaths::of).toList()),
                    stateDir, createOp, id);
            List<String> parents = plan.parents().stream().map(HostPaths::of).toList();

            String scratch = null;
            if (options.isolation() == Isolation.PROCESS) {
                step = Errors.op("Container", "mountScratch");
                scratch = ScratchLayer.mount(hcs, plan, undo, step, id);
            }

            String namespace = null;
            if (spec.network().isPresent()) {
                step = Errors.op("Container", "attachNetwork");
                namespace = attachNetwork(hcs, spec.network().get(), options, id, undo, step);
            }

            step = createOp;
            ContainerSpec docSpec = Documents.clampProcessors(spec, Runtime.getRuntime().availableProcessors());
            Documents.Inputs inputs = new Documents.Inputs(docSpec, options, parents, n -> hcs.nameToGuid(n), scratch, namespace, staging.toString());
            HcsSystem uvm = null;
            Optional<ComputeSystem> uvmDoc = Documents.utilityVmDocument(inputs);
            if (uvmDoc.isPresent()) {
                step = Errors.op("UtilityVm", "create");
                if (options.containerType() == dev.containerv.windows.ContainerType.WINDOWS) {
                    copyUtilityVmScratch(Path.of(Documents.utilityVmImage(inputs)), spec, undo, step);
                }
                uvm = hcs.createComputeSystem(Documents.utilityVmId(id), Json.write(uvmDoc.get()), timeouts.create());
                undo.push(stopAndClose(hcs, uvm, timeouts));
                step = Errors.op("UtilityVm", "start");
                hcs.startComputeSystem(uvm, timeouts.start());
            }
            step = createOp;
            HcsSystem system = hcs.createComputeSystem(id, Json.write(Documents.containerDocument(inputs)), timeouts.create());
            undo.push(stopAndClose(hcs, system, timeouts));
            step = Errors.op("Container", "start");
            hcs.startComputeSystem(system, timeouts.start());

            HcsJob job = null;
            if (spec.limits().pidsMax().isPresent()) {
                step = Errors.op("Container", "limitProcesses");
                HcsJob created = hcs.createJobObject("containerv-" + id, spec.limits().pidsMax().getAsLong());
                undo.push(() -> {
                    try {
                        hcs.terminateJobObject(created, 1);
                    } finally {
                        hcs.closeJobObject(created);
                    }
                });
                job = created;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "created Windows container " + id + " through " + hcs.family());
            return new HcsContainer(hcs, spec, options, timeouts, stateDir, staging, undo, system, uvm, job);
        } catch (HcsException e) {
            throw rollback(undo, Errors.map(step, id, e));
        } catch (IOException e) {
            throw rollback(undo, Errors.of(ErrorKind.PLATFORM_FAILURE, createOp, id, "cannot prepare the state folder: " + e, e));
        } catch (ContainerException e) {
            throw rollback(undo, e);
        } catch (RuntimeException | Error e) {
            ContainerException wrapped = Errors.of(ErrorKind.PLATFORM_FAILURE, step, id, "unexpected failure: " + e, e);
            throw rollback(undo, wrapped);
        }
    }

    /** The utility VM's own scratch: a copy of its image's SystemTemplate.vhdx, removed with the container (as hcsshim makes it). */
    private static void copyUtilityVmScratch(Path image, ContainerSpec spec, Deque<Runnable> undo, String op) throws IOException {
        Path template = image.resolve(Documents.UVM_SCRATCH_TEMPLATE);
        if (!Files.isRegularFile(template)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "the utility VM image " + image + " has no " + Documents.UVM_SCRATCH_TEMPLATE
                    + " to copy as the utility VM's scratch").operation(op).containerId(spec.id()).build();
        }
        Path scratch = Path.of(Documents.utilityVmScratch(spec));
        Files.copy(template, scratch, StandardCopyOption.REPLACE_EXISTING);
        undo.push(() -> {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the utility VM scratch " + scratch, e);
            }
        });
    }

    private static String attachNetwork(HcsApi hcs, NetworkSpec net, WindowsOptions options, String id, Deque<Runnable> undo, String op) {
        List<HostComputeNetwork> networks = Json.readList(hcs.listNetworks(), HostComputeNetwork.class);
        HostComputeNetwork chosen = Networks.choose(networks, options.vmSwitch()).orElseThrow(() ->
                ContainerException.builder(ErrorKind.NOT_FOUND, "no HNS network named '" + options.vmSwitch().orElse(Networks.DEFAULT_SWITCH)
                                + "' (WindowsOptions.vmSwitch) and no NAT or ICS network to fall back on; networks found: "
                                + networks.stream().map(n -> n.name() + " (" + (n.type() == null ? "NAT" : n.type()) + ")").toList()
                                + " (see Get-HnsNetwork)")
                        .operation(op).containerId(id).build());
        List<Route> routes = net.gateway().map(g -> List.of(new Route(g, "0.0.0.0/0"))).orElse(null);
        HostComputeEndpoint settings = new HostComputeEndpoint(null, "containerv-" + id, chosen.id(), null,
                List.of(new IpConfig(net.containerAddress(), net.prefixLength())),
                net.dns().isEmpty() ? null : new Dns(null, null, net.dns()), routes, new Version(2, 0));
        // No Type: "HostDefault" names the host's own namespace (hcsshim, containerd create a container's without one).
        HostComputeNamespace ns = Json.read(hcs.createNamespace(Json.write(new HostComputeNamespace(null, null, new Version(2, 0)))),
                HostComputeNamespace.class);
        UUID nsId = UUID.fromString(ns.id());
        undo.push(() -> hcs.deleteNamespace(nsId));
        HostComputeEndpoint endpoint = Json.read(hcs.createEndpoint(UUID.fromString(chosen.id()), Json.write(settings)), HostComputeEndpoint.class);
        UUID endpointId = UUID.fromString(endpoint.id());
        undo.push(() -> hcs.deleteEndpoint(endpointId));
        hcs.modifyNamespace(nsId, Json.write(new NamespaceResourceRequest("Endpoint", "Add", new NamespaceEndpoint(endpoint.id()))));
        undo.push(() -> hcs.modifyNamespace(nsId, Json.write(new NamespaceResourceRequest("Endpoint", "Remove", new NamespaceEndpoint(endpoint.id())))));
        return ns.id();
    }

    /** Shutdown, terminate if that fails, then close: one undo step for a compute system. */
    private static Runnable stopAndClose(HcsApi hcs, HcsSystem system, Timeouts timeouts) {
        return () -> {
            try {
                stop(hcs, system, Duration.ZERO, timeouts);
            } finally {
                hcs.closeComputeSystem(system);
            }
        };
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

    private static ContainerException rollback(Deque<Runnable> undo, ContainerException failure) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        return failure;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
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
        return spawn(process, CommandLines.join(process.command()));
    }

    /** Spawns {@code process} with the given CommandLine instead of one made from its command. */
    private ContainerProcess spawn(ProcessSpec process, String commandLine) {
        String op = Errors.op("Container", "spawn");
        checkAlive(op);
        String parameters = Json.write(ProcessDocuments.of(process, commandLine));
        HcsProcess p;
        try {
            p = hcs.createProcess(system, parameters, timeouts.process());
        } catch (HcsException e) {
            // HCS does not say which name it could not find: the program and the working directory are named here.
            String cwd = process.workingDirectory().orElse("C:\\");
            throw Errors.map(op, id(), "cannot start " + process.command().get(0) + " in working directory " + cwd, e);
        }
        if (job != null && options.isolation() == Isolation.PROCESS) {
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
                    closeAll(p.stdin(), p.stdout(), p.stderr());
                }
                throw mapped;
            }
        }
        spawned.incrementAndGet();
        HcsContainerProcess result = wire(process, p);
        processes.add(result);
        // A process whose exit wait failed may still run: it stays listed, so destroy kills it and closes its handle.
        result.onExit().whenComplete((v, t) -> {
            if (t == null) {
                processes.remove(result);
            }
        });
        return result;
    }

    private HcsContainerProcess wire(ProcessSpec process, HcsProcess p) {
        List<CompletableFuture<Void>> pumps = new ArrayList<>();
        OpenProcessHandle handle = new OpenProcessHandle(hcs, p);
        OutputStream stdin = new ContainerStdin(p.stdin(), handle);
        Redirect in = process.stdin();
        if (in.type() == Redirect.Type.READ) {
            pumps.add(pump(() -> Files.newInputStream(in.file().toPath()), stdin, true));
            stdin = OutputStream.nullOutputStream();
        } else if (in.type() == Redirect.Type.INHERIT) {
            closeAll(stdin);
            stdin = OutputStream.nullOutputStream();
        }
        InputStream stdout;
        InputStream stderr;
        if (process.redirectErrorStream()) {
            // HCS has no merged pipe: both pipes are pumped into one stream, in arrival order.
            PipedInputStream merged = new PipedInputStream(65536);
            PipedOutputStream sink;
            try {
                sink = new PipedOutputStream(merged);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SharedSink shared = new SharedSink(sink, 2);
            CompletableFuture<Void> a = pump(p::stdout, shared, true);
            CompletableFuture<Void> b = pump(p::stderr, shared, true);
            InputStream mergedIn = redirectOutput(process.stdout(), merged, pumps);
            stdout = mergedIn;
            stderr = InputStream.nullInputStream();
            pumps.add(a);
            pumps.add(b);
        } else {
            stdout = redirectOutput(process.stdout(), p.stdout(), pumps);
            stderr = redirectOutput(process.stderr(), p.stderr(), pumps);
        }
        CompletableFuture<Void> drained = CompletableFuture.allOf(pumps.toArray(new CompletableFuture<?>[0]));
        return new HcsContainerProcess(hcs, id(), handle, options.isolation() == Isolation.PROCESS, stdin, stdout, stderr, drained);
    }

    private InputStream redirectOutput(Redirect r, InputStream source, List<CompletableFuture<Void>> pumps) {
        switch (r.type()) {
            case PIPE:
                return source;
            case INHERIT:
                pumps.add(pump(() -> source, System.out, false));
                return InputStream.nullInputStream();
            case WRITE:
            case APPEND:
                if (r.file() == null || r.file().getPath().equals(Redirect.DISCARD.file().getPath())) {
                    pumps.add(pump(() -> source, OutputStream.nullOutputStream(), false));
                } else {
                    pumps.add(pump(() -> source, () -> Files.newOutputStream(r.file().toPath(), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, r.type() == Redirect.Type.APPEND ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)));
                }
                return InputStream.nullInputStream();
            default:
                return source;
        }
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static CompletableFuture<Void> pump(IoSupplier<InputStream> from, OutputStream to, boolean closeTarget) {
        return pump(from, () -> closeTarget ? to : new FilterNoClose(to));
    }

    private static CompletableFuture<Void> pump(IoSupplier<InputStream> from, IoSupplier<OutputStream> to) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (InputStream in = from.get(); OutputStream out = to.get()) {
                in.transferTo(out);
                out.flush();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "stream pump ended: " + e);
            } finally {
                done.complete(null);
            }
        }, "containerv-hcs-pump");
        t.setDaemon(true);
        t.start();
        return done;
    }

    private static final class FilterNoClose extends java.io.FilterOutputStream {
        FilterNoClose(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** An output several pumps write into; closed when the last of them closes it. */
    private static final class SharedSink extends OutputStream {
        private final OutputStream out;
        private int open;

        SharedSink(OutputStream out, int writers) {
            this.out = out;
            this.open = writers;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public synchronized void close() throws IOException {
            if (--open == 0) {
                out.close();
            }
        }
    }

    private static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "close: " + e);
            }
        }
    }

    @Override
    public ExecResult exec(ProcessSpec process) {
        return exec(process, null);
    }

    @Override
    public ExecResult exec(ProcessSpec process, Duration timeout) {
        return exec(process, CommandLines.join(process.command()), process.command().toString(), timeout);
    }

    /** Runs {@code process} with the given CommandLine; {@code shown} names it in messages. */
    private ExecResult exec(ProcessSpec process, String commandLine, String shown, Duration timeout) {
        ContainerProcess p = spawn(process, commandLine);
        closeAll(p.getOutputStream());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Void> a = pump(p::getInputStream, out, true);
        CompletableFuture<Void> b = pump(p::getErrorStream, err, true);
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        try {
            if (timeout == null) {
                p.waitFor();
                CompletableFuture.allOf(a, b).get();
            } else {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw ContainerException.builder(ErrorKind.TIMEOUT, "the process " + shown + " ran longer than " + timeout + " and was killed")
                            .operation(Errors.op("Container", "exec")).containerId(id()).build();
                }
                // The timeout bounds the whole call: a background process it started may hold the output open.
                CompletableFuture.allOf(a, b).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw Errors.of(ErrorKind.PLATFORM_FAILURE, Errors.op("Container", "exec"), id(), "interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            closeAll(p.getInputStream(), p.getErrorStream());
            throw ContainerException.builder(ErrorKind.TIMEOUT, "the process " + shown + " exited with " + p.exitValue()
                    + ", but its output was still open after " + timeout + " (a background process it started holds it?)")
                    .operation(Errors.op("Container", "exec")).containerId(id()).build();
        } catch (java.util.concurrent.ExecutionException e) {
            throw Errors.of(ErrorKind.PLATFORM_FAILURE, Errors.op("Container", "exec"), id(), "the output of " + shown + " could not be read", e.getCause());
        }
        return new ExecResult(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    // ---- file transfer through the mapped staging folder ----

    private String stagingInContainer(String name) {
        return Documents.STAGING_WINDOWS + "\\" + name;
    }

    /** Runs a cmd.exe line (never through the C runtime quoting of {@link CommandLines}). */
    private ExecResult runCmd(CmdLine line) {
        String text = line.toString();
        return exec(ProcessSpec.of("cmd.exe"), text, text, timeouts.process());
    }

    private void runCopy(String op, CmdLine line, String what) {
        ExecResult r = runCmd(line);
        if (r.exitCode() != 0) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, what + " failed in the container: " + line
                    + " exited with " + r.exitCode() + ": " + (r.stdout() + r.stderr()).strip()).operation(op).containerId(id()).build();
        }
    }

    /** The xcopy of a tree; {@code /I} makes a missing destination a directory, so it needs no trailing backslash. */
    private static CmdLine xcopy(String from, String to) {
        return new CmdLine().text("xcopy").path("containerPath", from).path("containerPath", to).text("/E /I /Y /Q /H /K");
    }

    private static CmdLine copy(String from, String to) {
        return new CmdLine().text("copy /Y").path("containerPath", from).path("containerPath", to);
    }

    /** 1 missing, 2 directory, 3 file: asked inside the container with cmd.exe's {@code if exist}. */
    private int kindOf(String op, String containerPath) {
        ExecResult r = runCmd(new CmdLine().text("if exist").entriesOf("containerPath", containerPath).text("(exit 2) else if exist")
                .path("containerPath", containerPath).text("(exit 3) else (exit 1)"));
        if (r.exitCode() < 1 || r.exitCode() > 3) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot tell what " + containerPath + " is: cmd.exe exited with " + r.exitCode()
                    + ": " + (r.stdout() + r.stderr()).strip()).operation(op).containerId(id()).build();
        }
        return r.exitCode();
    }

    @Override
    public void upload(Path host, String containerPath) {
        String op = Errors.op("Container", "upload");
        checkAlive(op);
        String target = CmdLine.check("containerPath", ContainerPaths.check("containerPath", containerPath, GuestOs.WINDOWS));
        if (!Files.exists(host)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "the host path " + host + " does not exist").operation(op).containerId(id()).build();
        }
        String name = "upload-" + transfers.incrementAndGet();
        Path staged = staging.resolve(name);
        try {
            copyTree(host, staged);
            if (Files.isDirectory(host)) {
                runCopy(op, xcopy(stagingInContainer(name), target), "copying " + host);
            } else {
                runCopy(op, copy(stagingInContainer(name), target), "copying " + host);
            }
        } catch (IOException e) {
            throw Errors.of(ErrorKind.PLATFORM_FAILURE, op, id(), "cannot stage " + host + ": " + e, e);
        } finally {
            deleteQuietly(staged);
        }
    }

    @Override
    public void download(String containerPath, Path host) {
        String op = Errors.op("Container", "download");
        checkAlive(op);
        String source = CmdLine.check("containerPath", ContainerPaths.check("containerPath", containerPath, GuestOs.WINDOWS));
        int kind = kindOf(op, source);
        if (kind == 1) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "the container path " + source + " does not exist").operation(op).containerId(id()).build();
        }
        String name = "download-" + transfers.incrementAndGet();
        Path staged = staging.resolve(name);
        try {
            if (kind == 2) {
                runCopy(op, xcopy(source, stagingInContainer(name)), "copying " + source);
            } else {
                runCopy(op, copy(source, stagingInContainer(name)), "copying " + source);
            }
            copyTree(staged, host);
        } catch (IOException e) {
            throw Errors.of(ErrorKind.PLATFORM_FAILURE, op, id(), "cannot copy the staged " + source + " to " + host + ": " + e, e);
        } finally {
            deleteQuietly(staged);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteTree(p);
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove staging " + p + ": " + e.getMessage());
        }
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
        synchronized (lock) {
            if (destroyed) {
                return;
            }
            destroyed = true;
        }
        String op = Errors.op("Container", "destroy");
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
            stop(hcs, system, options.shutdownTimeout(), timeouts);
        } catch (HcsException e) {
            failures.add(e);
        }
        for (HcsContainerProcess p : processes) {
            p.closeHandleAfterWaiter(timeouts.terminate());
            p.closeStreams();
        }
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                if (e instanceof HcsException h && (h.isNotExist() || h.isAlreadyStopped())) {
                    continue;
                }
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            ContainerException e = first instanceof HcsException h ? Errors.map(op, id(), h)
                    : Errors.of(ErrorKind.PLATFORM_FAILURE, op, id(), "cleanup failed: " + first.getMessage(), first);
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "destroyed Windows container " + id());
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
