package dev.containerv.windows.hcs;

import com.sun.jna.WString;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.containerv.windows.jna.ComputeNetwork;
import dev.containerv.windows.jna.HcsTypes.HCS_PROCESS_INFORMATION;
import dev.containerv.windows.jna.Kernel32Extras;
import dev.containerv.windows.jna.NativeMemory;
import dev.containerv.windows.jna.Natives;
import dev.containerv.windows.jna.VmCompute;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@link HcsApi} over vmcompute.dll, the legacy API hcsshim binds: each call returns an HRESULT and an error
 * document freed with CoTaskMemFree. Every system handle gets a notification callback
 * ({@code HcsRegisterComputeSystemCallback}, unregistered before the handle closes); a create or start answered
 * with {@code HCS_E_PENDING} (0xC0370103) completes with its completion notification and that notification's
 * HRESULT, and fails if the system exits first. Shutdown and terminate wait by polling the State.
 */
public final class VmComputeHcs extends NativeHcsBase {
    /**
     * The options of start, shutdown and terminate: vmcompute.dll is undocumented, and hcsshim, its one client to
     * follow, passes an empty string there (computecore.dll's documentation asks for NULL; ComputeCoreHcs passes NULL).
     */
    private static final WString NO_OPTIONS = new WString("");
    private final VmCompute vm;
    private final CallTimeouts timeouts;
    private final Map<Long, Watch> watches = new ConcurrentHashMap<>();

    /** Over the DLLs of this host. */
    public static VmComputeHcs load() {
        VmCompute vm = Natives.vmCompute();
        return new VmComputeHcs(vm, Natives::computeNetwork, Natives::kernel32Extras, () -> Kernel32.INSTANCE, NativeMemory.windows());
    }

    /** Over the given bindings (tests give mocks). */
    public VmComputeHcs(VmCompute vm, Supplier<ComputeNetwork> network, Supplier<Kernel32Extras> kernel32Extras,
                        Supplier<Kernel32> kernel32, NativeMemory memory) {
        this(vm, network, kernel32Extras, kernel32, memory, CallTimeouts.fromProperties());
    }

    /** Over the given bindings, a synchronous call that outlasts {@code timeouts} reported. */
    public VmComputeHcs(VmCompute vm, Supplier<ComputeNetwork> network, Supplier<Kernel32Extras> kernel32Extras,
                        Supplier<Kernel32> kernel32, NativeMemory memory, CallTimeouts timeouts) {
        super(() -> vm, network, kernel32Extras, kernel32, memory);
        this.vm = vm;
        this.timeouts = timeouts;
    }

    @Override
    public String family() {
        return "vmcompute";
    }

    /** @return {@code true} if the call is pending */
    private boolean check(String call, int hr, PointerByReference result) {
        String doc = memory.takeCoTask(result);
        if (hr == VmCompute.HCS_E_PENDING) {
            return true;
        }
        if (HResult.failed(hr)) {
            throw HcsException.fromResult(call, hr, doc);
        }
        return false;
    }

    /** A system handle with its notification registration. */
    private record Watch(VmComputeNotifications notifications, HANDLE registration) {
    }

    /** HcsRegisterComputeSystemCallback, as hcsshim does for every handle it creates or opens. */
    private void watch(long system, String id) {
        VmComputeNotifications notifications = new VmComputeNotifications(id);
        HANDLEByReference registration = new HANDLEByReference();
        int hr = vm.HcsRegisterComputeSystemCallback(handle(system), notifications.callback(), null, registration);
        if (HResult.failed(hr)) {
            throw new HcsException("HcsRegisterComputeSystemCallback", hr, null);
        }
        watches.put(system, new Watch(notifications, registration.getValue()));
    }

    private VmComputeNotifications notifications(HcsSystem system, String call) {
        Watch w = watches.get(system.handle());
        if (w == null) {
            throw new HcsException(call, HResult.fromWin32(HResult.ERROR_INVALID_HANDLE), "no notification registration for " + system.id());
        }
        return w.notifications();
    }

    @Override
    public HcsSystem createComputeSystem(String id, String configuration, Duration timeout) {
        HANDLEByReference system = new HANDLEByReference();
        PointerByReference result = new PointerByReference();
        int hr = vm.HcsCreateComputeSystem(new WString(id), new WString(configuration), null, system, result);
        long handle = value(system.getValue());
        try {
            boolean pending = check("HcsCreateComputeSystem", hr, result);
            HcsSystem created = new HcsSystem(handle, id);
            watch(handle, id);
            if (pending) {
                // The create completes on the callback, with its own HRESULT (a failure after "pending" is not lost).
                notifications(created, "HcsCreateComputeSystem").await(VmComputeNotifications.SYSTEM_CREATE_COMPLETED, "HcsCreateComputeSystem", timeout);
            }
            return created;
        } catch (HcsException e) {
            if (handle != 0) {
                closeComputeSystem(new HcsSystem(handle, id));
            }
            throw e;
        }
    }

    @Override
    public HcsSystem openComputeSystem(String id) {
        HANDLEByReference system = new HANDLEByReference();
        PointerByReference result = new PointerByReference();
        check("HcsOpenComputeSystem", vm.HcsOpenComputeSystem(new WString(id), system, result), result);
        HcsSystem opened = new HcsSystem(value(system.getValue()), id);
        try {
            watch(opened.handle(), id);
        } catch (HcsException e) {
            vm.HcsCloseComputeSystem(system.getValue());
            throw e;
        }
        return opened;
    }

    @Override
    public void startComputeSystem(HcsSystem system, Duration timeout) {
        PointerByReference result = new PointerByReference();
        if (check("HcsStartComputeSystem", vm.HcsStartComputeSystem(handle(system.handle()), NO_OPTIONS, result), result)) {
            notifications(system, "HcsStartComputeSystem").await(VmComputeNotifications.SYSTEM_START_COMPLETED, "HcsStartComputeSystem", timeout);
        }
    }

    @Override
    public void shutdownComputeSystem(HcsSystem system, Duration timeout) {
        PointerByReference result = new PointerByReference();
        check("HcsShutdownComputeSystem", vm.HcsShutdownComputeSystem(handle(system.handle()), NO_OPTIONS, result), result);
        awaitStopped(system, timeout, "HcsShutdownComputeSystem");
    }

    @Override
    public void terminateComputeSystem(HcsSystem system, Duration timeout) {
        PointerByReference result = new PointerByReference();
        check("HcsTerminateComputeSystem", vm.HcsTerminateComputeSystem(handle(system.handle()), NO_OPTIONS, result), result);
        awaitStopped(system, timeout, "HcsTerminateComputeSystem");
    }

    @Override
    public void modifyComputeSystem(HcsSystem system, String request, Duration timeout) {
        PointerByReference result = new PointerByReference();
        check("HcsModifyComputeSystem", vm.HcsModifyComputeSystem(handle(system.handle()), new WString(request), result), result);
    }

    @Override
    public String getComputeSystemProperties(HcsSystem system, String query) {
        PointerByReference properties = new PointerByReference();
        PointerByReference result = new PointerByReference();
        int hr;
        try (CallTimeouts.Watch w = timeouts.watch("HcsGetComputeSystemProperties(" + system.id() + ")")) {
            hr = vm.HcsGetComputeSystemProperties(handle(system.handle()), new WString(query), properties, result);
        }
        String doc = memory.takeCoTask(properties);
        check("HcsGetComputeSystemProperties", hr, result);
        return doc;
    }

    @Override
    public String enumerateComputeSystems(String query) {
        PointerByReference systems = new PointerByReference();
        PointerByReference result = new PointerByReference();
        int hr;
        try (CallTimeouts.Watch w = timeouts.watch("HcsEnumerateComputeSystems")) {
            hr = vm.HcsEnumerateComputeSystems(new WString(query), systems, result);
        }
        String doc = memory.takeCoTask(systems);
        check("HcsEnumerateComputeSystems", hr, result);
        return doc == null ? "[]" : doc;
    }

    @Override
    public void closeComputeSystem(HcsSystem system) {
        Watch w = watches.remove(system.handle());
        if (w != null) {
            int uhr = vm.HcsUnregisterComputeSystemCallback(w.registration());
            if (HResult.failed(uhr)) {
                LOG.log(System.Logger.Level.WARNING, "HcsUnregisterComputeSystemCallback(" + system.id() + ") failed: " + HResult.describe(uhr));
            }
        }
        int hr = vm.HcsCloseComputeSystem(handle(system.handle()));
        if (HResult.failed(hr)) {
            LOG.log(System.Logger.Level.WARNING, "HcsCloseComputeSystem(" + system.id() + ") failed: " + HResult.describe(hr));
        }
    }

    @Override
    public HcsProcess createProcess(HcsSystem system, String parameters, Duration timeout) {
        HCS_PROCESS_INFORMATION info = new HCS_PROCESS_INFORMATION();
        HANDLEByReference process = new HANDLEByReference();
        PointerByReference result = new PointerByReference();
        int hr = vm.HcsCreateProcess(handle(system.handle()), new WString(parameters), info, process, result);
        try {
            check("HcsCreateProcess", hr, result);
        } catch (HcsException e) {
            if (value(process.getValue()) != 0) {
                vm.HcsCloseProcess(process.getValue());
            }
            throw e;
        }
        return process(value(process.getValue()), info);
    }

    @Override
    public void signalProcess(HcsProcess process, String options) {
        PointerByReference result = new PointerByReference();
        try (CallTimeouts.Watch w = timeouts.watch("HcsSignalProcess(" + process.processId() + ")")) {
            check("HcsSignalProcess", vm.HcsSignalProcess(handle(process.handle()), new WString(options), result), result);
        }
    }

    @Override
    public void terminateProcess(HcsProcess process) {
        PointerByReference result = new PointerByReference();
        try (CallTimeouts.Watch w = timeouts.watch("HcsTerminateProcess(" + process.processId() + ")")) {
            check("HcsTerminateProcess", vm.HcsTerminateProcess(handle(process.handle()), result), result);
        }
    }

    @Override
    public void modifyProcess(HcsProcess process, String settings) {
        PointerByReference result = new PointerByReference();
        try (CallTimeouts.Watch w = timeouts.watch("HcsModifyProcess(" + process.processId() + ")")) {
            check("HcsModifyProcess", vm.HcsModifyProcess(handle(process.handle()), new WString(settings), result), result);
        }
    }

    @Override
    public String getProcessProperties(HcsProcess process) {
        PointerByReference properties = new PointerByReference();
        PointerByReference result = new PointerByReference();
        int hr;
        try (CallTimeouts.Watch w = timeouts.watch("HcsGetProcessProperties(" + process.processId() + ")")) {
            hr = vm.HcsGetProcessProperties(handle(process.handle()), properties, result);
        }
        String doc = memory.takeCoTask(properties);
        check("HcsGetProcessProperties", hr, result);
        return doc;
    }

    @Override
    public String waitForProcessExit(HcsProcess process, Duration timeout) {
        return pollProcessExit(process, timeout, "HcsGetProcessProperties");
    }

    @Override
    public void closeProcess(HcsProcess process) {
        int hr = vm.HcsCloseProcess(handle(process.handle()));
        if (HResult.failed(hr)) {
            LOG.log(System.Logger.Level.WARNING, "HcsCloseProcess(" + process.processId() + ") failed: " + HResult.describe(hr));
        }
    }
}
