package dev.containerv.windows.sim;

import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsJob;
import dev.containerv.windows.hcs.HcsProcess;
import dev.containerv.windows.hcs.HcsSystem;
import dev.containerv.windows.schema.ComputeSystem;
import dev.containerv.windows.schema.HostComputeEndpoint;
import dev.containerv.windows.schema.HostComputeNetwork;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.MemoryStats;
import dev.containerv.windows.schema.ProcessDetails;
import dev.containerv.windows.schema.ProcessStatus;
import dev.containerv.windows.schema.ProcessorStats;
import dev.containerv.windows.schema.Properties;
import dev.containerv.windows.schema.PropertyQuery;
import dev.containerv.windows.schema.Statistics;
import dev.containerv.windows.schema.SystemQuery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A simulated Host Compute Service for tests on any OS. It models compute systems and their states,
 * processes (run as host processes), operations, every handle (counted, so tests can assert none leak),
 * the layer store (activate, prepare, a volume per mounted scratch layer), HCN networks, endpoints and
 * namespaces, job objects with an active-process limit, and HRESULT failures injected on demand at any
 * call ({@link #failNext}).
 *
 * <p>It is cut as the seam is: compute systems here, their processes ({@link SimulatedProcesses}), the
 * guest they run in ({@link SimulatedGuest}), the layer store ({@link SimulatedLayerStore}), HCN ({@link SimulatedHostNetwork}) and
 * job objects ({@link SimulatedJobObjects}), sharing the call log and handle count ({@link SimCalls}). It is
 * strict where the real platform is: a process handle closed while a wait on it is in progress, a stdin that ends
 * only through HcsModifyProcess, the exit codes of a kill that races the exit, more processors than the host has.
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

    private final Path root;
    private final SimCalls calls = new SimCalls();
    private final Map<String, SimSystem> systems = new ConcurrentHashMap<>();
    private final SimulatedProcesses processes = new SimulatedProcesses(calls, new SimulatedGuest(systems::get), this::system);
    private final SimulatedLayerStore layerStore;
    private final SimulatedHostNetwork network = new SimulatedHostNetwork(calls);
    private final SimulatedJobObjects jobs = new SimulatedJobObjects(calls, processes::hostProcess);

    /** A simulation keeping its volumes under {@code root}. One NAT network, named "nat". */
    public SimulatedHcs(Path root) {
        this.root = root;
        this.layerStore = new SimulatedLayerStore(calls, root);
    }

    // ---- test controls ----

    /** Makes the next call of the C function {@code call} fail with {@code hresult}. */
    public void failNext(String call, int hresult) {
        calls.failNext(call, hresult);
    }

    /**
     * Makes the next HcsWaitForProcessExit that returns give the ProcessStatus {@code edit} makes of the true one
     * (to report a process that did not exit, or a failed wait in {@code LastWaitResult}).
     */
    public void editNextExitStatus(UnaryOperator<ProcessStatus> edit) {
        processes.editNextExitStatus(edit);
    }

    /** Rules of the real HCS the provider broke (a handle closed while a wait on it was in progress, ...). */
    public List<String> violations() {
        return calls.violations();
    }

    /** Exit waits do not return, even for exited processes, until {@link #releaseExits()} (a slow exit notification). */
    public void holdExits() {
        processes.holdExits();
    }

    /** Lets held exit waits return. */
    public void releaseExits() {
        processes.releaseExits();
    }

    /** Handles open now (systems, processes, operations, HCN handles, jobs). */
    public int openHandles() {
        return calls.openHandleDescriptions().size();
    }

    /** What each open handle is, for assertion messages. */
    public List<String> openHandleDescriptions() {
        return calls.openHandleDescriptions();
    }

    /** Every call made, in order. */
    public List<String> calls() {
        return calls.calls();
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
        return layerStore.activeLayers();
    }

    /** Endpoints that exist. */
    public Map<UUID, HostComputeEndpoint> endpoints() {
        return Map.copyOf(network.endpoints);
    }

    /** Namespaces that exist. */
    public Set<UUID> namespaces() {
        return network.namespaceIds();
    }

    /** Adds an HNS network. */
    public void addNetwork(HostComputeNetwork network) {
        this.network.networks.add(network);
    }

    /** Removes every network (to test "no network"). */
    public void clearNetworks() {
        network.networks.clear();
    }

    /** Kills every host process still running; for test cleanup. */
    public void killAll() {
        processes.killAll();
    }

    private void enter(String call) {
        calls.enter(call);
    }

    private long open(String what) {
        return calls.open(what);
    }

    private void close(long h) {
        calls.close(h);
    }

    /** An operation handle around a computecore-style call, closed on every path. */
    private <T> T operation(String call, java.util.function.Supplier<T> body) {
        return calls.operation(call, body);
    }

    private SimSystem system(HcsSystem s, String call) {
        if (!calls.isOpen(s.handle())) {
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
                drive = layerStore.volume(volume).orElse(null);
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
                drive = SimFiles.mkdirs(root.resolve("vm-" + id));
            }
            if (doc.hostedSystem() != null) {
                if (!systems.containsKey(doc.hostingSystemId())) {
                    throw new HcsException("HcsCreateComputeSystem", HResult.HCS_E_SYSTEM_NOT_FOUND, "hosting system " + doc.hostingSystemId());
                }
                drive = SimFiles.mkdirs(root.resolve("hosted-" + id));
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
            processes.killAllOf(sys.id);
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
        List<SimProcess> live = processes.live(sys.id);
        Statistics stats = null;
        if (types.contains("Statistics")) {
            long cpu100ns = 0;
            for (SimProcess p : live) {
                cpu100ns += HostProcessStats.cpu100ns(p.process());
            }
            long rss = live.stream().mapToLong(p -> HostProcessStats.rssBytes(p.process().pid())).sum();
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
        calls.record("HcsCloseComputeSystem");
        close(s.handle());
        SimSystem sys = systems.get(s.id());
        // ShouldTerminateOnLastHandleClosed: the last handle of a stopped (or terminating) system removes it.
        if (sys != null && !calls.anyOpen("system " + s.id())) {
            if (Boolean.TRUE.equals(sys.doc.shouldTerminateOnLastHandleClosed()) || sys.state.equals("Stopped")) {
                processes.killAllOf(sys.id);
                systems.remove(s.id());
                if (sys.doc.container() == null || sys.doc.hostedSystem() != null) {
                    SimFiles.deleteTree(sys.drive);
                }
            }
        }
    }

    // ---- processes ----

    @Override
    public HcsProcess createProcess(HcsSystem s, String parameters, Duration timeout) {
        return processes.createProcess(s, parameters);
    }

    @Override
    public void signalProcess(HcsProcess p, String options) {
        processes.signalProcess(p, options);
    }

    @Override
    public void terminateProcess(HcsProcess p) {
        processes.terminateProcess(p);
    }

    @Override
    public void modifyProcess(HcsProcess p, String settings) {
        processes.modifyProcess(p, settings);
    }

    @Override
    public String getProcessProperties(HcsProcess p) {
        return processes.getProcessProperties(p);
    }

    @Override
    public String waitForProcessExit(HcsProcess p, Duration timeout) {
        return processes.waitForProcessExit(p, timeout);
    }

    @Override
    public void closeProcess(HcsProcess p) {
        processes.closeProcess(p);
    }

    // ---- the other seams, simulated apart ----

    @Override
    public UUID nameToGuid(String name) {
        return layerStore.nameToGuid(name);
    }

    @Override
    public void createScratchLayer(Path layer, List<Path> parents) {
        layerStore.createScratchLayer(layer, parents);
    }

    @Override
    public void activateLayer(Path layer) {
        layerStore.activateLayer(layer);
    }

    @Override
    public void prepareLayer(Path layer, List<Path> parents) {
        layerStore.prepareLayer(layer, parents);
    }

    @Override
    public String getLayerMountPath(Path layer) {
        return layerStore.getLayerMountPath(layer);
    }

    @Override
    public void unprepareLayer(Path layer) {
        layerStore.unprepareLayer(layer);
    }

    @Override
    public void deactivateLayer(Path layer) {
        layerStore.deactivateLayer(layer);
    }

    @Override
    public String listNetworks() {
        return network.listNetworks();
    }

    @Override
    public String createEndpoint(UUID networkId, String settings) {
        return network.createEndpoint(networkId, settings);
    }

    @Override
    public void deleteEndpoint(UUID endpoint) {
        network.deleteEndpoint(endpoint);
    }

    @Override
    public String createNamespace(String settings) {
        return network.createNamespace(settings);
    }

    @Override
    public void modifyNamespace(UUID namespace, String settings) {
        network.modifyNamespace(namespace, settings);
    }

    @Override
    public void deleteNamespace(UUID namespace) {
        network.deleteNamespace(namespace);
    }

    @Override
    public HcsJob createJobObject(String name, long activeProcessLimit) {
        return jobs.createJobObject(name, activeProcessLimit);
    }

    @Override
    public void assignProcessToJobObject(HcsJob job, long pid) {
        jobs.assignProcessToJobObject(job, pid);
    }

    @Override
    public void terminateJobObject(HcsJob job, int exitCode) {
        jobs.terminateJobObject(job, exitCode);
    }

    @Override
    public void closeJobObject(HcsJob job) {
        jobs.closeJobObject(job);
    }
}
