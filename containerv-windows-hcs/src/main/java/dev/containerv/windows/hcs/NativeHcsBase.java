package dev.containerv.windows.hcs;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference;
import com.sun.jna.platform.win32.Guid.GUID;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.PointerByReference;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What both native families share: the layer store (vmcompute.dll exports, as hcsshim binds them for either
 * family), HCN through computenetwork.dll, job objects through kernel32.dll, handle conversion, and the
 * polling waits used where an API has no blocking wait. Each DLL is reached through a supplier, so a
 * missing DLL fails only the calls that need it.
 */
abstract class NativeHcsBase implements HcsApi {
    static final System.Logger LOG = System.getLogger(HcsApi.class.getName());
    private static final String HCN_QUERY = Json.write(new HostComputeQuery(new Version(2, 0), 0, ""));
    private static final GUID ZERO_GUID = new GUID();

    private final Supplier<VmCompute> layers;
    private final Supplier<ComputeNetwork> network;
    private final Supplier<Kernel32Extras> kernel32Extras;
    private final Supplier<Kernel32> kernel32;
    final NativeMemory memory;

    NativeHcsBase(Supplier<VmCompute> layers, Supplier<ComputeNetwork> network, Supplier<Kernel32Extras> kernel32Extras,
                  Supplier<Kernel32> kernel32, NativeMemory memory) {
        this.layers = layers;
        this.network = network;
        this.kernel32Extras = kernel32Extras;
        this.kernel32 = kernel32;
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
            throw new HcsException("wait", HResult.fromWin32(1223), "interrupted");
        }
    }

    // ---- layer store ----

    private static VmCompute.DriverInfo driverInfo(Path layer) {
        Path parent = layer.toAbsolutePath().getParent();
        return new VmCompute.DriverInfo(parent == null ? layer.toString() : parent.toString());
    }

    private static WString layerId(Path layer) {
        return new WString(layer.getFileName().toString());
    }

    private static void check(String call, int hr) {
        if (HResult.failed(hr)) {
            throw new HcsException(call, hr, null);
        }
    }

    @Override
    public UUID nameToGuid(String name) {
        GUID g = new GUID();
        check("NameToGuid", layers.get().NameToGuid(new WString(name), g));
        return uuid(g);
    }

    @Override
    public void activateLayer(Path layer) {
        check("ActivateLayer", layers.get().ActivateLayer(driverInfo(layer), layerId(layer)));
    }

    private VmCompute.WC_LAYER_DESCRIPTOR[] descriptors(List<Path> parents) {
        if (parents.isEmpty()) {
            return null;
        }
        VmCompute.WC_LAYER_DESCRIPTOR[] descriptors = (VmCompute.WC_LAYER_DESCRIPTOR[]) new VmCompute.WC_LAYER_DESCRIPTOR().toArray(parents.size());
        for (int i = 0; i < parents.size(); i++) {
            Path parent = parents.get(i);
            descriptors[i].LayerId = guid(nameToGuid(parent.getFileName().toString()));
            descriptors[i].Flags = 0;
            descriptors[i].Path = new WString(parent.toString());
        }
        return descriptors;
    }

    @Override
    public void createScratchLayer(Path layer, List<Path> parents) {
        check("CreateSandboxLayer", layers.get().CreateSandboxLayer(driverInfo(layer), layerId(layer), null, descriptors(parents), parents.size()));
    }

    @Override
    public void prepareLayer(Path layer, List<Path> parents) {
        check("PrepareLayer", layers.get().PrepareLayer(driverInfo(layer), layerId(layer), descriptors(parents), parents.size()));
    }

    /** One attempt: the mount race is retried around ActivateLayer and PrepareLayer, by the caller. */
    @Override
    public String getLayerMountPath(Path layer) {
        ULONG_PTRByReference length = new ULONG_PTRByReference();
        check("GetLayerMountPath", layers.get().GetLayerMountPath(driverInfo(layer), layerId(layer), length, null));
        int chars = (int) length.getValue().longValue();
        if (chars == 0) {
            throw new HcsException("GetLayerMountPath", HResult.fromWin32(HResult.ERROR_NOT_READY), "empty mount path");
        }
        char[] buffer = new char[chars];
        check("GetLayerMountPath", layers.get().GetLayerMountPath(driverInfo(layer), layerId(layer), length, buffer));
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end);
    }

    @Override
    public void unprepareLayer(Path layer) {
        check("UnprepareLayer", layers.get().UnprepareLayer(driverInfo(layer), layerId(layer)));
    }

    @Override
    public void deactivateLayer(Path layer) {
        check("DeactivateLayer", layers.get().DeactivateLayer(driverInfo(layer), layerId(layer)));
    }

    // ---- HCN ----

    private void checkHcn(String call, int hr, PointerByReference errorRecord) {
        String error = memory.takeCoTask(errorRecord);
        if (HResult.failed(hr)) {
            throw HcsException.fromResult(call, hr, error);
        }
    }

    @Override
    public String listNetworks() {
        ComputeNetwork hcn = network.get();
        PointerByReference ids = new PointerByReference();
        PointerByReference err = new PointerByReference();
        int hr = hcn.HcnEnumerateNetworks(new WString(HCN_QUERY), ids, err);
        String idList = memory.takeCoTask(ids);
        checkHcn("HcnEnumerateNetworks", hr, err);
        List<String> docs = new ArrayList<>();
        for (String id : Json.readList(idList == null ? "[]" : idList, String.class)) {
            HANDLEByReference net = new HANDLEByReference();
            PointerByReference openErr = new PointerByReference();
            checkHcn("HcnOpenNetwork", hcn.HcnOpenNetwork(guid(UUID.fromString(strip(id))), net, openErr), openErr);
            try {
                PointerByReference props = new PointerByReference();
                PointerByReference queryErr = new PointerByReference();
                int qhr = hcn.HcnQueryNetworkProperties(net.getValue(), new WString(HCN_QUERY), props, queryErr);
                String doc = memory.takeCoTask(props);
                checkHcn("HcnQueryNetworkProperties", qhr, queryErr);
                docs.add(doc);
            } finally {
                int chr = hcn.HcnCloseNetwork(net.getValue());
                if (HResult.failed(chr)) {
                    LOG.log(System.Logger.Level.WARNING, "HcnCloseNetwork failed: " + HResult.describe(chr));
                }
            }
        }
        return "[" + String.join(",", docs) + "]";
    }

    private static String strip(String guid) {
        return guid.startsWith("{") ? guid.substring(1, guid.length() - 1) : guid;
    }

    @Override
    public String createEndpoint(UUID networkId, String settings) {
        ComputeNetwork hcn = network.get();
        HANDLEByReference net = new HANDLEByReference();
        PointerByReference err = new PointerByReference();
        checkHcn("HcnOpenNetwork", hcn.HcnOpenNetwork(guid(networkId), net, err), err);
        try {
            HANDLEByReference endpoint = new HANDLEByReference();
            PointerByReference createErr = new PointerByReference();
            // hcsshim passes the zero GUID and reads the id HNS chose back from the properties.
            checkHcn("HcnCreateEndpoint", hcn.HcnCreateEndpoint(net.getValue(), ZERO_GUID, new WString(settings), endpoint, createErr), createErr);
            try {
                PointerByReference props = new PointerByReference();
                PointerByReference queryErr = new PointerByReference();
                int hr = hcn.HcnQueryEndpointProperties(endpoint.getValue(), new WString(HCN_QUERY), props, queryErr);
                String doc = memory.takeCoTask(props);
                checkHcn("HcnQueryEndpointProperties", hr, queryErr);
                return doc;
            } finally {
                hcn.HcnCloseEndpoint(endpoint.getValue());
            }
        } finally {
            hcn.HcnCloseNetwork(net.getValue());
        }
    }

    @Override
    public void deleteEndpoint(UUID endpoint) {
        PointerByReference err = new PointerByReference();
        checkHcn("HcnDeleteEndpoint", network.get().HcnDeleteEndpoint(guid(endpoint), err), err);
    }

    @Override
    public String createNamespace(String settings) {
        ComputeNetwork hcn = network.get();
        HANDLEByReference ns = new HANDLEByReference();
        PointerByReference err = new PointerByReference();
        checkHcn("HcnCreateNamespace", hcn.HcnCreateNamespace(ZERO_GUID, new WString(settings), ns, err), err);
        try {
            PointerByReference props = new PointerByReference();
            PointerByReference queryErr = new PointerByReference();
            int hr = hcn.HcnQueryNamespaceProperties(ns.getValue(), new WString(HCN_QUERY), props, queryErr);
            String doc = memory.takeCoTask(props);
            checkHcn("HcnQueryNamespaceProperties", hr, queryErr);
            return doc;
        } finally {
            hcn.HcnCloseNamespace(ns.getValue());
        }
    }

    @Override
    public void modifyNamespace(UUID namespace, String settings) {
        ComputeNetwork hcn = network.get();
        HANDLEByReference ns = new HANDLEByReference();
        PointerByReference err = new PointerByReference();
        checkHcn("HcnOpenNamespace", hcn.HcnOpenNamespace(guid(namespace), ns, err), err);
        try {
            PointerByReference modifyErr = new PointerByReference();
            checkHcn("HcnModifyNamespace", hcn.HcnModifyNamespace(ns.getValue(), new WString(settings), modifyErr), modifyErr);
        } finally {
            hcn.HcnCloseNamespace(ns.getValue());
        }
    }

    @Override
    public void deleteNamespace(UUID namespace) {
        PointerByReference err = new PointerByReference();
        checkHcn("HcnDeleteNamespace", network.get().HcnDeleteNamespace(guid(namespace), err), err);
    }

    // ---- job objects ----

    private HcsException lastError(String call) {
        return new HcsException(call, HResult.fromWin32(kernel32.get().GetLastError()), null);
    }

    @Override
    public HcsJob createJobObject(String name, long activeProcessLimit) {
        HANDLE job = kernel32Extras.get().CreateJobObjectW(null, new WString(name));
        if (job == null) {
            throw lastError("CreateJobObjectW");
        }
        try {
            Kernel32Extras.JOBOBJECT_EXTENDED_LIMIT_INFORMATION info = new Kernel32Extras.JOBOBJECT_EXTENDED_LIMIT_INFORMATION();
            info.BasicLimitInformation.LimitFlags = Kernel32Extras.JOB_OBJECT_LIMIT_ACTIVE_PROCESS | Kernel32Extras.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            info.BasicLimitInformation.ActiveProcessLimit = (int) Math.min(Integer.MAX_VALUE, activeProcessLimit);
            info.write();
            if (!kernel32Extras.get().SetInformationJobObject(job, Kernel32Extras.JobObjectExtendedLimitInformation, info, info.size())) {
                throw lastError("SetInformationJobObject");
            }
            return new HcsJob(value(job), name);
        } catch (RuntimeException e) {
            kernel32.get().CloseHandle(job);
            throw e;
        }
    }

    @Override
    public void assignProcessToJobObject(HcsJob job, long pid) {
        HANDLE process = kernel32.get().OpenProcess(Kernel32Extras.PROCESS_SET_QUOTA_AND_TERMINATE, false, (int) pid);
        if (process == null) {
            throw lastError("OpenProcess");
        }
        try {
            if (!kernel32Extras.get().AssignProcessToJobObject(handle(job.handle()), process)) {
                throw lastError("AssignProcessToJobObject");
            }
        } finally {
            kernel32.get().CloseHandle(process);
        }
    }

    @Override
    public void terminateJobObject(HcsJob job, int exitCode) {
        if (!kernel32Extras.get().TerminateJobObject(handle(job.handle()), exitCode)) {
            throw lastError("TerminateJobObject");
        }
    }

    @Override
    public void closeJobObject(HcsJob job) {
        if (!kernel32.get().CloseHandle(handle(job.handle()))) {
            LOG.log(System.Logger.Level.WARNING, "CloseHandle of job " + job.name() + " failed: Win32 error " + kernel32.get().GetLastError());
        }
    }

}
