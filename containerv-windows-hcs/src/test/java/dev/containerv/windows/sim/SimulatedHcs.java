package dev.containerv.windows.sim;

import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsJob;
import dev.containerv.windows.hcs.HcsProcess;
import dev.containerv.windows.hcs.HcsSystem;
import dev.containerv.windows.internal.CommandLines;
import dev.containerv.windows.internal.LayerIds;
import dev.containerv.windows.schema.ComputeSystem;
import dev.containerv.windows.schema.HostComputeEndpoint;
import dev.containerv.windows.schema.HostComputeNamespace;
import dev.containerv.windows.schema.HostComputeNetwork;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.MappedDirectory;
import dev.containerv.windows.schema.MemoryStats;
import dev.containerv.windows.schema.NamespaceResourceRequest;
import dev.containerv.windows.schema.ProcessDetails;
import dev.containerv.windows.schema.ProcessModifyRequest;
import dev.containerv.windows.schema.ProcessParameters;
import dev.containerv.windows.schema.ProcessStatus;
import dev.containerv.windows.schema.ProcessorStats;
import dev.containerv.windows.schema.Properties;
import dev.containerv.windows.schema.PropertyQuery;
import dev.containerv.windows.schema.SignalProcessOptions;
import dev.containerv.windows.schema.Statistics;
import dev.containerv.windows.schema.SystemQuery;
import dev.containerv.windows.schema.VirtualSmbShare;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A simulated Host Compute Service for tests on any OS. It models compute systems and their states,
 * processes (run as host processes), operations, every handle (counted, so tests can assert none leak),
 * the layer store (activate, prepare, a volume per mounted scratch layer), HCN networks, endpoints and
 * namespaces, job objects with an active-process limit, and HRESULT failures injected on demand at any
 * call ({@link #failNext}).
 *
 * <p>The simulated guest: drive {@code C:} of a container is a host directory (the scratch volume, filled
 * from the parents' {@code Files} folders at PrepareLayer); mapped directories map their container paths
 * onto their host paths. Windows paths in a process's arguments, working directory and PATH are
 * translated to host paths; programs are host programs, and the cmd.exe built-ins the provider issues
 * ({@code copy}, {@code xcopy}, {@code if exist}) are emulated with {@code cp} and {@code sh}. A
 * {@code cmd.exe /c} line is read by cmd.exe's rules (plain quotes, no backslash escapes), every other
 * CommandLine by the C runtime's.
 */
public final class SimulatedHcs implements HcsApi {
    /** The calls {@link #failNext} can target, in the order a full container life makes them. */
    public static final List<String> CALLS = List.of(
            "CreateSandboxLayer", "ActivateLayer", "NameToGuid", "PrepareLayer", "GetLayerMountPath",
            "HcnEnumerateNetworks", "HcnCreateNamespace", "HcnCreateEndpoint", "HcnModifyNamespace",
            "HcsCreateComputeSystem", "HcsStartComputeSystem", "CreateJobObjectW",
            "HcsCreateProcess", "AssignProcessToJobObject", "HcsWaitForProcessExit", "HcsGetComputeSystemProperties",
            "HcsSignalProcess", "HcsTerminateProcess",
            "HcsShutDownComputeSystem", "HcsTerminateComputeSystem", "TerminateJobObject",
            "HcnDeleteEndpoint", "HcnDeleteNamespace", "UnprepareLayer", "DeactivateLayer");

    private static final Pattern WINDOWS_PATH = Pattern.compile("(?i)(?<![A-Za-z0-9])[A-Z]:\\\\[^\"'\\s;|&<>*]*");
    private static final Pattern CMD_C = Pattern.compile("(?is)\\s*cmd(?:\\.exe)?\\s+/c\\s(.*)");
    private static final long EXIT_NOTIFICATION_DELAY_MS = 30;
    private static final String VSMB_PREFIX = "\\\\?\\VMSMB\\VSMB-{dcc079ae-60ba-4d07-847c-3493609c0870}\\";

    private final Path root;
    private final AtomicLong nextHandle = new AtomicLong(0x1000);
    private final Map<Long, String> handles = new ConcurrentHashMap<>();
    private final Map<String, Deque<Integer>> failures = new ConcurrentHashMap<>();
    private final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, SimSystem> systems = new ConcurrentHashMap<>();
    private final Map<Long, SimProcess> processes = new ConcurrentHashMap<>();
    private final Map<Path, SimLayer> layers = new ConcurrentHashMap<>();
    private final Map<String, Path> volumes = new ConcurrentHashMap<>();
    private final List<HostComputeNetwork> networks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<UUID, HostComputeEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<UUID, List<String>> namespaces = new ConcurrentHashMap<>();
    private final Map<Long, SimJob> jobs = new ConcurrentHashMap<>();
    private final Map<Long, Integer> waiting = new ConcurrentHashMap<>();
    private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch> exitHold = new java.util.concurrent.atomic.AtomicReference<>();
    private final Deque<UnaryOperator<ProcessStatus>> exitStatusEdits = new java.util.concurrent.ConcurrentLinkedDeque<>();

    private static final class SimSystem {
        final String id;
        final ComputeSystem doc;
        final Path drive;
        final Instant started = Instant.now();
        volatile String state = "Created";

        SimSystem(String id, ComputeSystem doc, Path drive) {
            this.id = id;
            this.doc = doc;
            this.drive = drive;
        }
    }

    private record SimProcess(String systemId, Process process, String image) {
    }

    private static final class SimLayer {
        boolean prepared;
        String volume;
    }

    private record SimJob(String name, long limit, List<Process> members) {
    }

    /** A simulation keeping its volumes under {@code root}. One NAT network, named "nat". */
    public SimulatedHcs(Path root) {
        this.root = root;
        networks.add(new HostComputeNetwork(UUID.nameUUIDFromBytes("nat".getBytes()).toString(), "nat", "NAT"));
    }

    // ---- test controls ----

    /** Makes the next call of the C function {@code call} fail with {@code hresult}. */
    public void failNext(String call, int hresult) {
        failures.computeIfAbsent(call, k -> new ArrayDeque<>()).add(hresult);
    }

    /**
     * Makes the next HcsWaitForProcessExit that returns give the ProcessStatus {@code edit} makes of the true one
     * (to report a process that did not exit, or a failed wait in {@code LastWaitResult}).
     */
    public void editNextExitStatus(UnaryOperator<ProcessStatus> edit) {
        exitStatusEdits.add(edit);
    }

    /** Rules of the real HCS the provider broke (a handle closed while a wait on it was in progress, ...). */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Exit waits do not return, even for exited processes, until {@link #releaseExits()} (a slow exit notification). */
    public void holdExits() {
        exitHold.set(new java.util.concurrent.CountDownLatch(1));
    }

    /** Lets held exit waits return. */
    public void releaseExits() {
        java.util.concurrent.CountDownLatch hold = exitHold.getAndSet(null);
        if (hold != null) {
            hold.countDown();
        }
    }

    /** Handles open now (systems, processes, operations, HCN handles, jobs). */
    public int openHandles() {
        return handles.size();
    }

    /** What each open handle is, for assertion messages. */
    public List<String> openHandleDescriptions() {
        return List.copyOf(handles.values());
    }

    /** Every call made, in order. */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** Compute systems that exist (any state). */
    public Set<String> systemIds() {
        return Set.copyOf(systems.keySet());
    }

    /** The state of a system, if it exists. */
    public Optional<String> state(String id) {
        return Optional.ofNullable(systems.get(id)).map(s -> s.state);
    }

    /** The document a system was created with. */
    public Optional<ComputeSystem> document(String id) {
        return Optional.ofNullable(systems.get(id)).map(s -> s.doc);
    }

    /** Layers activated and not deactivated. */
    public Set<Path> activeLayers() {
        return Set.copyOf(layers.keySet());
    }

    /** Endpoints that exist. */
    public Map<UUID, HostComputeEndpoint> endpoints() {
        return Map.copyOf(endpoints);
    }

    /** Namespaces that exist. */
    public Set<UUID> namespaces() {
        return Set.copyOf(namespaces.keySet());
    }

    /** Adds an HNS network. */
    public void addNetwork(HostComputeNetwork network) {
        networks.add(network);
    }

    /** Removes every network (to test "no network"). */
    public void clearNetworks() {
        networks.clear();
    }

    /** Kills every host process still running; for test cleanup. */
    public void killAll() {
        processes.values().forEach(p -> p.process().destroyForcibly());
    }

    private void enter(String call) {
        calls.add(call);
        Deque<Integer> queue = failures.get(call);
        if (queue != null) {
            Integer hr = queue.poll();
            if (hr != null) {
                throw new HcsException(call, hr, "injected by the simulated HCS");
            }
        }
    }

    private long open(String what) {
        long h = nextHandle.incrementAndGet();
        handles.put(h, what);
        return h;
    }

    private void close(long h) {
        handles.remove(h);
    }

    /** An operation handle around a computecore-style call, closed on every path. */
    private <T> T operation(String call, java.util.function.Supplier<T> body) {
        long op = open("operation " + call);
        try {
            enter(call);
            return body.get();
        } finally {
            close(op);
        }
    }

    private SimSystem system(HcsSystem s, String call) {
        if (!handles.containsKey(s.handle())) {
            throw new HcsException(call, HResult.fromWin32(HResult.ERROR_INVALID_HANDLE), "handle " + s.handle() + " is closed");
        }
        SimSystem sys = systems.get(s.id());
        if (sys == null) {
            throw new HcsException(call, HResult.HCS_E_SYSTEM_NOT_FOUND, null);
        }
        return sys;
    }

    @Override
    public String family() {
        return "simulated";
    }

    // ---- compute systems ----

    @Override
    public HcsSystem createComputeSystem(String id, String configuration, Duration timeout) {
        return operation("HcsCreateComputeSystem", () -> {
            ComputeSystem doc;
            try {
                doc = Json.read(configuration, ComputeSystem.class);
            } catch (IllegalArgumentException e) {
                throw new HcsException("HcsCreateComputeSystem", HResult.HCS_E_INVALID_JSON, e.getMessage());
            }
            if (!Integer.valueOf(2).equals(doc.schemaVersion() == null ? null : doc.schemaVersion().major())) {
                throw new HcsException("HcsCreateComputeSystem", HResult.HCS_E_INVALID_JSON, "SchemaVersion 2.x required");
            }
            Path drive;
            if (doc.container() != null && doc.container().processor() != null && doc.container().processor().count() != null
                    && doc.container().processor().count() > Runtime.getRuntime().availableProcessors()) {
                throw new HcsException("HcsCreateComputeSystem", HResult.E_INVALIDARG, "Processor.Count " + doc.container().processor().count()
                        + " is more than the host's " + Runtime.getRuntime().availableProcessors() + " logical processors");
            }
            if (doc.container() != null) {
                String volume = doc.container().storage() == null ? null : doc.container().storage().path();
                drive = volume == null ? null : volumes.get(volume);
                if (drive == null) {
                    throw new HcsException("HcsCreateComputeSystem", HResult.HCS_E_INVALID_LAYER, "Storage.Path " + volume + " is not a mounted volume");
                }
            } else {
                if (doc.virtualMachine() != null && doc.virtualMachine().devices() != null && doc.virtualMachine().devices().scsi() != null) {
                    for (var controller : doc.virtualMachine().devices().scsi().values()) {
                        for (var disk : controller.attachments().values()) {
                            if (!Files.isRegularFile(Path.of(disk.path()))) {
                                throw new HcsException("HcsCreateComputeSystem", HResult.fromWin32(2), "SCSI disk " + disk.path() + " does not exist");
                            }
                        }
                    }
                }
                drive = mkdirs(root.resolve("vm-" + id));
            }
            if (doc.hostedSystem() != null) {
                if (!systems.containsKey(doc.hostingSystemId())) {
                    throw new HcsException("HcsCreateComputeSystem", HResult.HCS_E_SYSTEM_NOT_FOUND, "hosting system " + doc.hostingSystemId());
                }
                drive = mkdirs(root.resolve("hosted-" + id));
            }
            if (systems.putIfAbsent(id, new SimSystem(id, doc, drive)) != null) {
                throw new HcsException("HcsCreateComputeSystem", HResult.HCS_E_SYSTEM_ALREADY_EXISTS, null);
            }
            return new HcsSystem(open("system " + id), id);
        });
    }

    @Override
    public HcsSystem openComputeSystem(String id) {
        enter("HcsOpenComputeSystem");
        if (!systems.containsKey(id)) {
            throw new HcsException("HcsOpenComputeSystem", HResult.HCS_E_SYSTEM_NOT_FOUND, null);
        }
        return new HcsSystem(open("system " + id), id);
    }

    @Override
    public void startComputeSystem(HcsSystem s, Duration timeout) {
        operation("HcsStartComputeSystem", () -> {
            SimSystem sys = system(s, "HcsStartComputeSystem");
            if (!sys.state.equals("Created")) {
                throw new HcsException("HcsStartComputeSystem", HResult.HCS_E_INVALID_STATE, "state " + sys.state);
            }
            sys.state = "Running";
            return null;
        });
    }

    private void stop(HcsSystem s, String call) {
        operation(call, () -> {
            SimSystem sys = system(s, call);
            if (sys.state.equals("Stopped")) {
                throw new HcsException(call, HResult.HCS_E_SYSTEM_ALREADY_STOPPED, null);
            }
            processes.values().stream().filter(p -> p.systemId().equals(sys.id)).forEach(p -> p.process().destroyForcibly());
            sys.state = "Stopped";
            return null;
        });
    }

    @Override
    public void shutdownComputeSystem(HcsSystem system, Duration timeout) {
        stop(system, "HcsShutDownComputeSystem");
    }

    @Override
    public void terminateComputeSystem(HcsSystem system, Duration timeout) {
        stop(system, "HcsTerminateComputeSystem");
    }

    @Override
    public void modifyComputeSystem(HcsSystem s, String request, Duration timeout) {
        operation("HcsModifyComputeSystem", () -> system(s, "HcsModifyComputeSystem"));
    }

    @Override
    public String getComputeSystemProperties(HcsSystem s, String query) {
        return operation("HcsGetComputeSystemProperties", () -> {
            SimSystem sys = system(s, "HcsGetComputeSystemProperties");
            List<String> types = Json.read(query, PropertyQuery.class).propertyTypes();
            return Json.write(properties(sys, types == null ? List.of() : types));
        });
    }

    private Properties properties(SimSystem sys, List<String> types) {
        List<SimProcess> live = processes.values().stream().filter(p -> p.systemId().equals(sys.id) && p.process().isAlive()).toList();
        Statistics stats = null;
        if (types.contains("Statistics")) {
            long cpu100ns = 0;
            for (SimProcess p : live) {
                cpu100ns += cpu100ns(p.process());
            }
            long rss = live.stream().mapToLong(p -> rssBytes(p.process().pid())).sum();
            stats = new Statistics(Instant.now().toString(), sys.started.toString(), Duration.between(sys.started, Instant.now()).toNanos() / 100,
                    new ProcessorStats(cpu100ns, null, null), new MemoryStats(rss, rss, rss), null);
        }
        List<ProcessDetails> list = null;
        if (types.contains("ProcessList")) {
            list = live.stream().map(p -> new ProcessDetails(p.process().pid(), p.image(), null,
                    p.process().info().totalCpuDuration().map(d -> d.toNanos() / 100).orElse(0L), 0L, 0L, 0L, 0L)).toList();
        }
        String type = sys.doc.virtualMachine() != null ? "VirtualMachine" : "Container";
        return new Properties(sys.id, type, "windows", sys.id, sys.doc.owner(), sys.state, sys.state.equals("Stopped"), null, stats, list, sys.doc.hostingSystemId());
    }

    /**
     * CPU time of a host process and its reaped children, in 100 ns units: /proc/pid/stat utime, stime, cutime
     * and cstime (USER_HZ 100), since a shell's work is mostly in the children it waits for.
     */
    private static long cpu100ns(Process process) {
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
    private static long rssBytes(long pid) {
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

    @Override
    public String enumerateComputeSystems(String query) {
        return operation("HcsEnumerateComputeSystems", () -> {
            SystemQuery q = Json.read(query, SystemQuery.class);
            List<Properties> out = new ArrayList<>();
            for (SimSystem sys : systems.values()) {
                if (q.owners() == null || q.owners().contains(sys.doc.owner())) {
                    out.add(properties(sys, List.of()));
                }
            }
            return Json.write(out);
        });
    }

    @Override
    public void closeComputeSystem(HcsSystem s) {
        calls.add("HcsCloseComputeSystem");
        close(s.handle());
        SimSystem sys = systems.get(s.id());
        // ShouldTerminateOnLastHandleClosed: the last handle of a stopped (or terminating) system removes it.
        if (sys != null && handles.values().stream().noneMatch(("system " + s.id())::equals)) {
            if (Boolean.TRUE.equals(sys.doc.shouldTerminateOnLastHandleClosed()) || sys.state.equals("Stopped")) {
                processes.values().stream().filter(p -> p.systemId().equals(sys.id)).forEach(p -> p.process().destroyForcibly());
                systems.remove(s.id());
                if (sys.doc.container() == null || sys.doc.hostedSystem() != null) {
                    deleteTree(sys.drive);
                }
            }
        }
    }

    // ---- processes ----

    @Override
    public HcsProcess createProcess(HcsSystem s, String parameters, Duration timeout) {
        return operation("HcsCreateProcess", () -> {
            SimSystem sys = system(s, "HcsCreateProcess");
            if (!sys.state.equals("Running")) {
                throw new HcsException("HcsCreateProcess", HResult.HCS_E_INVALID_STATE, "state " + sys.state);
            }
            ProcessParameters p = Json.read(parameters, ProcessParameters.class);
            String cwd = p.workingDirectory() == null ? "C:\\" : p.workingDirectory();
            String hostName = sys.doc.container() != null ? sys.doc.container().guestOs().hostName()
                    : sys.doc.hostedSystem() != null ? sys.doc.hostedSystem().container().guestOs().hostName() : sys.id;
            // What cmd.exe expands in %...%: the given environment, its dynamic %CD%, and the machine name.
            Map<String, String> cmdVariables = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (p.environment() != null) {
                cmdVariables.putAll(p.environment());
            }
            cmdVariables.put("CD", cwd);
            cmdVariables.put("COMPUTERNAME", hostName);
            List<String> argv = guestCommand(sys, p.commandLine(), cmdVariables);
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.directory(translate(sys, cwd).toFile());
            // Exactly the given environment, as HCS does: nothing added (programs are found on the JVM's PATH).
            Map<String, String> env = pb.environment();
            env.clear();
            if (p.environment() != null) {
                p.environment().forEach((k, v) -> env.put(k, k.equalsIgnoreCase("PATH") ? hostPath(sys, v) : translateAll(sys, v)));
            }
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                boolean missingDir = !pb.directory().isDirectory();
                throw new HcsException("HcsCreateProcess", HResult.fromWin32(missingDir ? HResult.ERROR_PATH_NOT_FOUND : HResult.ERROR_FILE_NOT_FOUND),
                        "The system cannot find the " + (missingDir ? "path" : "file") + " specified: " + e.getMessage());
            }
            long h = open("process " + process.pid() + " of " + sys.id);
            processes.put(h, new SimProcess(sys.id, process, Path.of(argv.get(0)).getFileName().toString()));
            // As with the real relay, closing the host's end of stdin does not end the process's stdin: HcsModifyProcess does.
            OutputStream hostEnd = new java.io.FilterOutputStream(process.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    try {
                        flush();
                    } catch (IOException gone) {
                        // the process ended: nothing to flush to
                    }
                }
            };
            return new HcsProcess(h, (int) process.pid(), hostEnd, process.getInputStream(), process.getErrorStream());
        });
    }

    private SimProcess process(HcsProcess p, String call) {
        SimProcess sp = processes.get(p.handle());
        if (sp == null || !handles.containsKey(p.handle())) {
            throw new HcsException(call, HResult.fromWin32(HResult.ERROR_INVALID_HANDLE), "process handle closed");
        }
        return sp;
    }

    @Override
    public void signalProcess(HcsProcess p, String options) {
        operation("HcsSignalProcess", () -> {
            SimProcess sp = process(p, "HcsSignalProcess");
            if (!sp.process().isAlive()) {
                // What vmcompute answers for a process that exited: the invalid-state code, not "already stopped".
                throw new HcsException("HcsSignalProcess", HResult.HCS_LEGACY_INVALID_STATE, null);
            }
            Object signal = Json.read(options, SignalProcessOptions.class).signal();
            String posix = switch (String.valueOf(signal)) {
                case "CtrlC" -> "INT";
                case "CtrlBreak" -> "QUIT";
                case "CtrlClose" -> "HUP";
                case "CtrlShutdown", "CtrlLogOff" -> "TERM";
                default -> throw new HcsException("HcsSignalProcess", HResult.E_INVALIDARG, "unknown signal " + signal);
            };
            try {
                new ProcessBuilder("kill", "-" + posix, Long.toString(sp.process().pid())).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                throw new HcsException("HcsSignalProcess", HResult.E_FAIL, e.toString());
            }
            return null;
        });
    }

    @Override
    public void terminateProcess(HcsProcess p) {
        operation("HcsTerminateProcess", () -> {
            SimProcess sp = process(p, "HcsTerminateProcess");
            if (!sp.process().isAlive()) {
                // TerminateProcess on a process that ended fails with ERROR_ACCESS_DENIED (its documentation's remarks).
                throw new HcsException("HcsTerminateProcess", HResult.fromWin32(5), null);
            }
            sp.process().destroyForcibly();
            return null;
        });
    }

    @Override
    public void modifyProcess(HcsProcess p, String settings) {
        operation("HcsModifyProcess", () -> {
            SimProcess sp = process(p, "HcsModifyProcess");
            ProcessModifyRequest request = Json.read(settings, ProcessModifyRequest.class);
            if (!"CloseHandle".equals(request.operation()) || request.closeHandle() == null
                    || !List.of("StdIn", "All").contains(request.closeHandle().handle())) {
                throw new HcsException("HcsModifyProcess", HResult.E_INVALIDARG, "not a CloseHandle request for StdIn: " + settings);
            }
            try {
                sp.process().getOutputStream().close();
            } catch (IOException e) {
                throw new HcsException("HcsModifyProcess", HResult.E_FAIL, e.toString());
            }
            return null;
        });
    }

    private static String status(Process process) {
        return Json.write(new ProcessStatus((int) process.pid(), !process.isAlive(), process.isAlive() ? null : (long) process.exitValue(), 0));
    }

    @Override
    public String getProcessProperties(HcsProcess p) {
        return operation("HcsGetProcessProperties", () -> status(process(p, "HcsGetProcessProperties").process()));
    }

    @Override
    public String waitForProcessExit(HcsProcess p, Duration timeout) {
        SimProcess sp = process(p, "HcsWaitForProcessExit");
        enter("HcsWaitForProcessExit");
        waiting.merge(p.handle(), 1, Integer::sum);
        try {
            long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            if (!sp.process().waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new HcsException("HcsWaitForProcessExit", HResult.HCS_E_OPERATION_TIMEOUT, null);
            }
            // HCS learns of the exit a little later than the kernel: the wait is still in progress meanwhile.
            Thread.sleep(EXIT_NOTIFICATION_DELAY_MS);
            java.util.concurrent.CountDownLatch hold = exitHold.get();
            if (hold != null && !hold.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new HcsException("HcsWaitForProcessExit", HResult.HCS_E_OPERATION_TIMEOUT, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HcsException("HcsWaitForProcessExit", HResult.E_FAIL, "interrupted");
        } finally {
            waiting.merge(p.handle(), -1, Integer::sum);
        }
        UnaryOperator<ProcessStatus> edit = exitStatusEdits.poll();
        String status = status(sp.process());
        return edit == null ? status : Json.write(edit.apply(Json.read(status, ProcessStatus.class)));
    }

    @Override
    public void closeProcess(HcsProcess p) {
        calls.add("HcsCloseProcess");
        if (waiting.getOrDefault(p.handle(), 0) > 0) {
            // hcsshim: closing a process handle while HcsWaitForProcessExit uses it crashes inside computecore.dll.
            String v = "HcsCloseProcess of process " + p.processId() + " while a wait on its handle is in progress";
            violations.add(v);
            throw new AssertionError(v);
        }
        close(p.handle());
        processes.remove(p.handle());
    }

    // ---- the simulated guest ----

    private Path translate(SimSystem sys, String windowsPath) {
        List<MappedDirectory> mapped = sys.doc.container() != null ? sys.doc.container().mappedDirectories()
                : sys.doc.hostedSystem() != null ? sys.doc.hostedSystem().container().mappedDirectories() : null;
        String lower = windowsPath.toLowerCase(Locale.ROOT);
        if (mapped != null) {
            MappedDirectory best = null;
            for (MappedDirectory m : mapped) {
                String cp = m.containerPath().toLowerCase(Locale.ROOT);
                if ((lower.equals(cp) || lower.startsWith(cp + "\\")) && (best == null || cp.length() > best.containerPath().length())) {
                    best = m;
                }
            }
            if (best != null) {
                String rest = windowsPath.substring(best.containerPath().length());
                return join(hostOf(sys, best.hostPath()), rest);
            }
        }
        String drive = windowsPath.substring(0, 1).toUpperCase(Locale.ROOT);
        Path base = drive.equals("C") ? sys.drive : sys.drive.resolve("drive-" + drive);
        return join(base, windowsPath.substring(2));
    }

    private Path hostOf(SimSystem sys, String hostPath) {
        if (hostPath.startsWith(VSMB_PREFIX)) {
            String share = hostPath.substring(VSMB_PREFIX.length());
            SimSystem uvm = systems.get(sys.doc.hostingSystemId());
            for (VirtualSmbShare s : uvm.doc.virtualMachine().devices().virtualSmb().shares()) {
                if (s.name().equals(share)) {
                    return Path.of(s.path());
                }
            }
            throw new HcsException("HcsCreateProcess", HResult.fromWin32(HResult.ERROR_PATH_NOT_FOUND), "no VSMB share " + share);
        }
        return Path.of(hostPath);
    }

    private static Path join(Path base, String windowsRest) {
        Path p = base;
        for (String seg : windowsRest.split("\\\\")) {
            if (!seg.isEmpty()) {
                p = p.resolve(seg);
            }
        }
        return p;
    }

    private String translateAll(SimSystem sys, String text) {
        Matcher m = WINDOWS_PATH.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String path = m.group();
            boolean trailing = path.endsWith("\\") && path.length() > 3;
            String host = translate(sys, path).toString() + (trailing ? "/" : "");
            m.appendReplacement(sb, Matcher.quoteReplacement(host));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private String hostPath(SimSystem sys, String windowsPathList) {
        List<String> entries = new ArrayList<>();
        for (String e : windowsPathList.split(";")) {
            if (!e.isBlank()) {
                entries.add(WINDOWS_PATH.matcher(e).matches() ? translate(sys, e).toString() : e);
            }
        }
        entries.add("/usr/local/bin:/usr/bin:/bin");
        return String.join(":", entries);
    }

    private List<String> guestCommand(SimSystem sys, String commandLine, Map<String, String> cmdVariables) {
        Matcher cmd = CMD_C.matcher(commandLine);
        if (cmd.matches()) {
            // cmd.exe does not split its line by the C runtime rules: /c takes the rest of the line verbatim.
            return cmdBuiltin(sys, cmd.group(1), cmdVariables);
        }
        List<String> argv = CommandLines.split(commandLine);
        if (argv.isEmpty()) {
            throw new HcsException("HcsCreateProcess", HResult.E_INVALIDARG, "empty CommandLine");
        }
        List<String> out = new ArrayList<>();
        for (String a : argv) {
            out.add(translateAll(sys, a));
        }
        return out;
    }

    /**
     * Runs what follows {@code cmd.exe /c} the way cmd.exe reads it. First its rule for a leading quote
     * ({@code cmd /?}, the "old behavior"): the first quote and the last one are removed. Then {@code %NAME%}
     * is expanded wherever it is, quoted or not (a name not defined stays as it is). Then the words: a
     * quote starts or ends a quoted stretch and is dropped, a backslash is an ordinary character, and outside
     * quotes {@code & | < >} would start another command (not emulated: refused like an unknown command).
     * The words must make one of the commands the provider issues: {@code copy}, {@code xcopy}, or
     * {@code if exist "<p>\*" (exit 2) else if exist "<p>" (exit 3) else (exit 1)}; or {@code echo <text>},
     * which the conformance fixture uses for {@code %CD%} and {@code %COMPUTERNAME%}.
     */
    private List<String> cmdBuiltin(SimSystem sys, String line, Map<String, String> variables) {
        String rest = line.strip();
        if (rest.startsWith("\"")) {
            int last = rest.lastIndexOf('"');
            rest = last == 0 ? rest.substring(1) : rest.substring(1, last) + rest.substring(last + 1);
        }
        rest = expand(rest, variables);
        Matcher echo = ECHO.matcher(rest);
        if (echo.matches()) {
            return List.of("/bin/sh", "-c", "printf '%s\\n' \"$1\"", "echo", echo.group(1));
        }
        List<String> words = cmdWords(rest);
        if (words == null || words.isEmpty()) {
            return notRecognized(rest);
        }
        String verb = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.stream().skip(1).filter(a -> !a.startsWith("/")).map(a -> cmdPath(sys, a)).toList();
        switch (verb) {
            case "copy":
                if (args.size() == 2) {
                    return List.of("/bin/cp", "-f", "--", args.get(0), args.get(1));
                }
                break;
            case "xcopy":
                if (args.size() == 2) {
                    return List.of("/bin/sh", "-c", "mkdir -p -- \"$2\" && cp -a -- \"$1\"/. \"$2\"", "xcopy", args.get(0), args.get(1));
                }
                break;
            case "if":
                List<String> shape = List.of("if", "exist", "?", "(exit", "2)", "else", "if", "exist", "?", "(exit", "3)", "else", "(exit", "1)");
                if (words.size() == shape.size()) {
                    boolean fits = true;
                    for (int i = 0; i < shape.size(); i++) {
                        fits &= shape.get(i).equals("?") || shape.get(i).equalsIgnoreCase(words.get(i));
                    }
                    if (fits) {
                        return List.of("/bin/sh", "-c", "if " + existTest(words.get(2), "$1") + "; then exit 2; elif " + existTest(words.get(8), "$2")
                                + "; then exit 3; else exit 1; fi", "if", existPath(sys, words.get(2)), existPath(sys, words.get(8)));
                    }
                }
                break;
            default:
                break;
        }
        return notRecognized(verb);
    }

    private static final Pattern ECHO = Pattern.compile("(?is)echo[ \\t](.*)");
    private static final Pattern CMD_VARIABLE = Pattern.compile("%([^%\\s]+)%");

    private static String expand(String text, Map<String, String> variables) {
        Matcher m = CMD_VARIABLE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static List<String> notRecognized(String what) {
        return List.of("/bin/sh", "-c", "echo \"'$1' is not recognized as an internal or external command (simulated cmd.exe)\" >&2; exit 9009", "cmd", what);
    }

    /** cmd.exe's words: quotes toggle and are dropped, no escapes; {@code null} if a command separator or redirection is unquoted. */
    private static List<String> cmdWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (!quoted && (c == ' ' || c == '\t')) {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else if (!quoted && "&|<>".indexOf(c) >= 0) {
                return null;
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }

    /** A word of a cmd.exe line as a host path: drive paths translated, anything else as it is (a relative name). */
    private String cmdPath(SimSystem sys, String word) {
        return word.matches("[A-Za-z]:\\\\.*") ? translate(sys, word).toString() : word;
    }

    /** {@code if exist "<dir>\*"} tests for a directory; {@code if exist "<p>"} for anything. */
    private static String existTest(String word, String arg) {
        return (word.endsWith("\\*") ? "[ -d \"" : "[ -e \"") + arg + "\" ]";
    }

    private String existPath(SimSystem sys, String word) {
        return cmdPath(sys, word.endsWith("\\*") ? word.substring(0, word.length() - 2) : word);
    }

    // ---- layers ----

    @Override
    public UUID nameToGuid(String name) {
        enter("NameToGuid");
        return LayerIds.forName(name);
    }

    @Override
    public void createScratchLayer(Path layer, List<Path> parents) {
        enter("CreateSandboxLayer");
        for (Path parent : parents) {
            if (!Files.isDirectory(parent.resolve("Files"))) {
                throw new HcsException("CreateSandboxLayer", HResult.HCS_E_INVALID_LAYER, "parent layer " + parent + " has no Files folder");
            }
        }
        try {
            Files.createDirectories(layer);
            Files.writeString(layer.resolve("sandbox.vhdx"), "simulated scratch VHDX\n");
        } catch (IOException e) {
            throw new HcsException("CreateSandboxLayer", HResult.fromWin32(HResult.ERROR_PATH_NOT_FOUND), e.toString());
        }
    }

    @Override
    public void activateLayer(Path layer) {
        enter("ActivateLayer");
        if (!Files.isDirectory(layer)) {
            throw new HcsException("ActivateLayer", HResult.fromWin32(HResult.ERROR_PATH_NOT_FOUND), layer.toString());
        }
        if (!Files.isRegularFile(layer.resolve("sandbox.vhdx"))) {
            // The scratch folder's VHDX is what gets mounted: without one there is nothing to activate.
            throw new HcsException("ActivateLayer", HResult.fromWin32(2), "no sandbox.vhdx in " + layer);
        }
        if (layers.putIfAbsent(layer, new SimLayer()) != null) {
            throw new HcsException("ActivateLayer", HResult.fromWin32(HResult.ERROR_ALREADY_EXISTS), "layer " + layer + " is active already");
        }
    }

    @Override
    public void prepareLayer(Path layer, List<Path> parents) {
        enter("PrepareLayer");
        SimLayer l = layers.get(layer);
        if (l == null) {
            throw new HcsException("PrepareLayer", HResult.fromWin32(HResult.ERROR_INVALID_PARAMETER), "layer not active");
        }
        for (Path parent : parents) {
            nameToGuid(parent.getFileName().toString());
            if (!Files.isDirectory(parent)) {
                throw new HcsException("PrepareLayer", HResult.HCS_E_INVALID_LAYER, "parent layer " + parent + " does not exist");
            }
        }
        String volume = "\\\\?\\Volume{" + UUID.randomUUID() + "}\\";
        Path dir = mkdirs(root.resolve("volumes").resolve(UUID.randomUUID().toString()));
        List<Path> baseFirst = new ArrayList<>(parents);
        java.util.Collections.reverse(baseFirst);
        for (Path parent : baseFirst) {
            copyTree(parent.resolve("Files"), dir);
        }
        l.prepared = true;
        l.volume = volume;
        volumes.put(volume, dir);
    }

    @Override
    public String getLayerMountPath(Path layer) {
        enter("GetLayerMountPath");
        SimLayer l = layers.get(layer);
        if (l == null || !l.prepared) {
            throw new HcsException("GetLayerMountPath", HResult.fromWin32(HResult.ERROR_NOT_READY), "layer not prepared");
        }
        // As wclayer returns it: without the trailing backslash HCS needs in Storage.Path.
        return l.volume.substring(0, l.volume.length() - 1);
    }

    @Override
    public void unprepareLayer(Path layer) {
        enter("UnprepareLayer");
        SimLayer l = layers.get(layer);
        if (l == null || !l.prepared) {
            throw new HcsException("UnprepareLayer", HResult.fromWin32(HResult.ERROR_INVALID_PARAMETER), "layer not prepared");
        }
        Path dir = volumes.remove(l.volume);
        deleteTree(dir);
        l.prepared = false;
        l.volume = null;
    }

    @Override
    public void deactivateLayer(Path layer) {
        enter("DeactivateLayer");
        if (layers.remove(layer) == null) {
            throw new HcsException("DeactivateLayer", HResult.fromWin32(HResult.ERROR_INVALID_PARAMETER), "layer not active");
        }
    }

    // ---- HCN ----

    @Override
    public String listNetworks() {
        long h = open("hcn enumerate");
        try {
            enter("HcnEnumerateNetworks");
            return Json.write(networks);
        } finally {
            close(h);
        }
    }

    @Override
    public String createEndpoint(UUID network, String settings) {
        long net = open("hcn network " + network);
        try {
            enter("HcnCreateEndpoint");
            if (networks.stream().noneMatch(n -> n.id().equals(network.toString()))) {
                throw new HcsException("HcnOpenNetwork", HResult.HCN_E_NETWORK_NOT_FOUND, null);
            }
            HostComputeEndpoint s = Json.read(settings, HostComputeEndpoint.class);
            UUID id = UUID.randomUUID();
            HostComputeEndpoint created = new HostComputeEndpoint(id.toString(), s.name(), network.toString(), null, s.ipConfigurations(), s.dns(), s.routes(), s.schemaVersion());
            endpoints.put(id, created);
            return Json.write(created);
        } finally {
            close(net);
        }
    }

    @Override
    public void deleteEndpoint(UUID endpoint) {
        enter("HcnDeleteEndpoint");
        if (endpoints.remove(endpoint) == null) {
            throw new HcsException("HcnDeleteEndpoint", HResult.HCN_E_ENDPOINT_NOT_FOUND, null);
        }
    }

    @Override
    public String createNamespace(String settings) {
        enter("HcnCreateNamespace");
        HostComputeNamespace s = Json.read(settings, HostComputeNamespace.class);
        if (s.type() != null) {
            // A typed namespace ("HostDefault") is the host's own: endpoints added to it would join the host, not a container.
            throw new HcsException("HcnCreateNamespace", HResult.E_INVALIDARG, "a container's namespace has no Type; " + s.type() + " is the host's");
        }
        UUID id = UUID.randomUUID();
        namespaces.put(id, new java.util.concurrent.CopyOnWriteArrayList<>());
        return Json.write(new HostComputeNamespace(id.toString(), s.type(), s.schemaVersion()));
    }

    @Override
    public void modifyNamespace(UUID namespace, String settings) {
        long h = open("hcn namespace " + namespace);
        try {
            enter("HcnModifyNamespace");
            List<String> members = namespaces.get(namespace);
            if (members == null) {
                throw new HcsException("HcnOpenNamespace", HResult.fromWin32(HResult.ERROR_ELEMENT_NOT_FOUND), null);
            }
            NamespaceResourceRequest r = Json.read(settings, NamespaceResourceRequest.class);
            if (r.requestType().equals("Add")) {
                if (!endpoints.containsKey(UUID.fromString(r.settings().endpointId()))) {
                    throw new HcsException("HcnModifyNamespace", HResult.HCN_E_ENDPOINT_NOT_FOUND, null);
                }
                members.add(r.settings().endpointId());
            } else {
                members.remove(r.settings().endpointId());
            }
        } finally {
            close(h);
        }
    }

    @Override
    public void deleteNamespace(UUID namespace) {
        enter("HcnDeleteNamespace");
        if (namespaces.remove(namespace) == null) {
            throw new HcsException("HcnDeleteNamespace", HResult.fromWin32(HResult.ERROR_ELEMENT_NOT_FOUND), null);
        }
    }

    // ---- jobs ----

    @Override
    public HcsJob createJobObject(String name, long activeProcessLimit) {
        enter("CreateJobObjectW");
        long h = open("job " + name);
        jobs.put(h, new SimJob(name, activeProcessLimit, new java.util.concurrent.CopyOnWriteArrayList<>()));
        return new HcsJob(h, name);
    }

    @Override
    public void assignProcessToJobObject(HcsJob job, long pid) {
        enter("AssignProcessToJobObject");
        SimJob j = jobs.get(job.handle());
        Process p = processes.values().stream().map(SimProcess::process).filter(x -> x.pid() == pid).findFirst()
                .orElseThrow(() -> new HcsException("OpenProcess", HResult.fromWin32(HResult.ERROR_INVALID_PARAMETER), "no process " + pid));
        if (j.members().stream().filter(Process::isAlive).count() >= j.limit()) {
            throw new HcsException("AssignProcessToJobObject", HResult.fromWin32(HResult.ERROR_NOT_ENOUGH_QUOTA), "active process limit " + j.limit());
        }
        j.members().add(p);
    }

    @Override
    public void terminateJobObject(HcsJob job, int exitCode) {
        enter("TerminateJobObject");
        jobs.get(job.handle()).members().forEach(Process::destroyForcibly);
    }

    @Override
    public void closeJobObject(HcsJob job) {
        calls.add("CloseHandle");
        close(job.handle());
        jobs.remove(job.handle());
    }

    // ---- files ----

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
