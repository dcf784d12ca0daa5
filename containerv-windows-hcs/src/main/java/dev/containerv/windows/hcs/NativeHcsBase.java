package dev.containerv.windows.hcs;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid.GUID;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.containerv.windows.jna.ComputeNetwork;
import dev.containerv.windows.jna.Kernel32Extras;
import dev.containerv.windows.jna.HcsTypes.HCS_PROCESS_INFORMATION;
import dev.containerv.windows.jna.NativeMemory;
import dev.containerv.windows.jna.Natives;
import dev.containerv.windows.jna.OverlappedIo;
import dev.containerv.windows.jna.PipeStreams;
import dev.containerv.windows.jna.VmCompute;
import dev.containerv.windows.schema.HostComputeQuery;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.Properties;
import dev.containerv.windows.schema.PropertyQuery;
import dev.containerv.windows.schema.ProcessStatus;
import dev.containerv.windows.schema.Version;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What both native compute families share: handle conversion, the polling waits used where an API has no
 * blocking wait, and the wiring of the other three seams ({@link NativeLayerStore}, {@link NativeHostNetwork},
 * {@link NativeJobObjects}), to which the {@link LayerStore}, {@link HostNetwork} and {@link JobObjects} calls
 * are passed. Each DLL is reached through a supplier, so a missing DLL fails only the calls that need it.
 */
abstract class NativeHcsBase implements HcsApi {
    static final System.Logger LOG = System.getLogger(HcsApi.class.getName());
    private static final String HCN_QUERY = Json.write(new HostComputeQuery(new Version(2, 0), 0, ""));
    private static final GUID ZERO_GUID = new GUID();

    private final LayerStore layers;
    private final HostNetwork network;
    private final JobObjects jobs;
    final NativeMemory memory;

    NativeHcsBase(Supplier<VmCompute> layers, Supplier<ComputeNetwork> network, Supplier<Kernel32Extras> kernel32Extras,
                  Supplier<Kernel32> kernel32, NativeMemory memory) {
        this.layers = new NativeLayerStore(layers);
        this.network = new NativeHostNetwork(network, memory);
        this.jobs = new NativeJobObjects(kernel32Extras, kernel32);
        this.memory = memory;
    }

    /** The process handle with streams over the pipes of {@code info} (kernel32 is bound only if HCS gave a pipe). */
    static HcsProcess process(long handle, HCS_PROCESS_INFORMATION info) {
        java.util.function.Function<HANDLE, OverlappedIo> io = h -> PipeStreams.absent(h) ? null : Natives.overlappedIo();
        return new HcsProcess(handle, info.ProcessId, PipeStreams.output(io.apply(info.StdInput), info.StdInput),
                PipeStreams.input(io.apply(info.StdOutput), info.StdOutput), PipeStreams.input(io.apply(info.StdError), info.StdError));
    }

    static HANDLE handle(long value) {
        return new HANDLE(new Pointer(value));
    }

    static long value(HANDLE h) {
        return h == null || h.getPointer() == null ? 0 : Pointer.nativeValue(h.getPointer());
    }

    static int timeoutMs(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.toMillis() >= 0xFFFFFFFFL) {
            return 0xFFFFFFFF;
        }
        return (int) timeout.toMillis();
    }

    static GUID guid(UUID id) {
        return GUID.fromString("{" + id + "}");
    }

    static UUID uuid(GUID g) {
        String s = g.toGuidString();
        return UUID.fromString(s.substring(1, s.length() - 1).toLowerCase(Locale.ROOT));
    }

    // ---- polling waits ----

    /** Waits until the system is stopped or gone, by polling its State: for APIs without a blocking exit wait. */
    void awaitStopped(HcsSystem system, Duration timeout, String call) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = 20;
        while (true) {
            try {
                Properties p = Json.read(getComputeSystemProperties(system, Json.write(new PropertyQuery(List.of()))), Properties.class);
                if (Boolean.TRUE.equals(p.stopped()) || "Stopped".equalsIgnoreCase(p.state())) {
                    return;
                }
            } catch (HcsException e) {
                if (e.isNotExist() || e.isAlreadyStopped()) {
                    return;
                }
                throw e;
            }
            if (System.nanoTime() > deadline) {
                throw new HcsException(call, HResult.HCS_E_OPERATION_TIMEOUT, "the system did not stop within " + timeout.toMillis() + " ms");
            }
            sleepQuietly(sleep);
            sleep = Math.min(sleep * 2, 250);
        }
    }

    /** Waits for a process to exit by polling its ProcessStatus. */
    String pollProcessExit(HcsProcess process, Duration timeout, String call) {
        long deadline = System.nanoTime() + (timeout == null ? Long.MAX_VALUE / 2 : timeout.toNanos());
        long sleep = 10;
        while (true) {
            String doc = getProcessProperties(process);
            ProcessStatus status = Json.read(doc, ProcessStatus.class);
            if (Boolean.TRUE.equals(status.exited())) {
                return doc;
            }
            if (System.nanoTime() > deadline) {
                throw new HcsException(call, HResult.HCS_E_OPERATION_TIMEOUT, "the process did not exit in time");
            }
            sleepQuietly(sleep);
            sleep = Math.min(sleep * 2, 200);
        }
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HcsException("wait", HResult.fromWin32(HResult.ERROR_CANCELLED), "interrupted");
        }
    }

    // ---- the other seams ----

    @Override
    public UUID nameToGuid(String name) {
        return layers.nameToGuid(name);
    }

    @Override
    public void createScratchLayer(Path layer, List<Path> parents) {
        layers.createScratchLayer(layer, parents);
    }

    @Override
    public void activateLayer(Path layer) {
        layers.activateLayer(layer);
    }

    @Override
    public void prepareLayer(Path layer, List<Path> parents) {
        layers.prepareLayer(layer, parents);
    }

    @Override
    public String getLayerMountPath(Path layer) {
        return layers.getLayerMountPath(layer);
    }

    @Override
    public void unprepareLayer(Path layer) {
        layers.unprepareLayer(layer);
    }

    @Override
    public void deactivateLayer(Path layer) {
        layers.deactivateLayer(layer);
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
