package dev.containerv.windows.hcs;

import com.sun.jna.WString;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.containerv.windows.jna.ComputeCore;
import dev.containerv.windows.jna.ComputeNetwork;
import dev.containerv.windows.jna.HcsTypes.HCS_PROCESS_INFORMATION;
import dev.containerv.windows.jna.Kernel32Extras;
import dev.containerv.windows.jna.NativeMemory;
import dev.containerv.windows.jna.Natives;
import dev.containerv.windows.jna.VmCompute;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@link HcsApi} over computecore.dll, the documented operation-based API. Each call follows hcsshim's
 * pattern: create an operation without callback, submit the call, on a failed submit read the error
 * document with HcsGetOperationResult, else wait with HcsWaitForOperationResult; the operation is closed
 * on every path, and every returned string is freed with LocalFree.
 */
public final class ComputeCoreHcs extends NativeHcsBase {
    private final ComputeCore cc;
    private final Duration callTimeout;

    /** Over the DLLs of this host, each loaded on first use. */
    public static ComputeCoreHcs load() {
        return new ComputeCoreHcs(Natives.computeCore(), Natives::vmCompute, Natives::computeNetwork, Natives::kernel32Extras,
                () -> Kernel32.INSTANCE, NativeMemory.windows());
    }

    /** Over the given bindings (tests give mocks). */
    public ComputeCoreHcs(ComputeCore cc, Supplier<VmCompute> layers, Supplier<ComputeNetwork> network,
                          Supplier<Kernel32Extras> kernel32Extras, Supplier<Kernel32> kernel32, NativeMemory memory) {
        this(cc, layers, network, kernel32Extras, kernel32, memory, CallTimeouts.fromProperties());
    }

    /** Over the given bindings, calls without a timeout of their own bounded by {@code timeouts}. */
    public ComputeCoreHcs(ComputeCore cc, Supplier<VmCompute> layers, Supplier<ComputeNetwork> network,
                          Supplier<Kernel32Extras> kernel32Extras, Supplier<Kernel32> kernel32, NativeMemory memory, CallTimeouts timeouts) {
        super(layers, network, kernel32Extras, kernel32, memory);
        this.cc = cc;
        this.callTimeout = timeouts.call();
    }

    @Override
    public String family() {
        return "computecore";
    }

    @FunctionalInterface
    private interface Submit {
        int call(HANDLE operation);
    }

    private HANDLE newOperation() {
        HANDLE op = cc.HcsCreateOperation(null, null);
        if (op == null || op.getPointer() == null) {
            throw new HcsException("HcsCreateOperation", HResult.E_OUTOFMEMORY, "returned NULL");
        }
        return op;
    }

    /** Submits, waits, closes the operation; the result document (may be null). */
    private String run(String call, Duration timeout, Submit submit) {
        HANDLE op = newOperation();
        try {
            int hr = submit.call(op);
            if (HResult.failed(hr)) {
                PointerByReference error = new PointerByReference();
                cc.HcsGetOperationResult(op, error);
                throw HcsException.fromResult(call, hr, memory.takeLocal(error));
            }
            PointerByReference result = new PointerByReference();
            hr = cc.HcsWaitForOperationResult(op, timeoutMs(timeout), result);
            String doc = memory.takeLocal(result);
            if (HResult.failed(hr)) {
                throw HcsException.fromResult(call, hr, doc);
            }
            return doc;
        } finally {
            cc.HcsCloseOperation(op);
        }
    }

    @Override
    public HcsSystem createComputeSystem(String id, String configuration, Duration timeout) {
        HANDLEByReference system = new HANDLEByReference();
        try {
            run("HcsCreateComputeSystem", timeout, op -> cc.HcsCreateComputeSystem(new WString(id), new WString(configuration), op, null, system));
        } catch (HcsException e) {
            if (value(system.getValue()) != 0) {
                cc.HcsCloseComputeSystem(system.getValue());
            }
            throw e;
        }
        return new HcsSystem(value(system.getValue()), id);
    }

    @Override
    public HcsSystem openComputeSystem(String id) {
        HANDLEByReference system = new HANDLEByReference();
        int hr = cc.HcsOpenComputeSystem(new WString(id), ComputeCore.GENERIC_ALL, system);
        if (HResult.failed(hr)) {
            throw new HcsException("HcsOpenComputeSystem", hr, null);
        }
        return new HcsSystem(value(system.getValue()), id);
    }

    @Override
    public void startComputeSystem(HcsSystem system, Duration timeout) {
        run("HcsStartComputeSystem", timeout, op -> cc.HcsStartComputeSystem(handle(system.handle()), op, null));
    }

    @Override
    public void shutdownComputeSystem(HcsSystem system, Duration timeout) {
        long start = System.nanoTime();
        run("HcsShutDownComputeSystem", timeout, op -> cc.HcsShutDownComputeSystem(handle(system.handle()), op, null));
        // The operation completes once the shutdown is under way; the system has stopped only when it says so.
        Duration left = timeout.minusNanos(System.nanoTime() - start);
        awaitStopped(system, left.isNegative() ? Duration.ZERO : left, "HcsShutDownComputeSystem");
    }

    @Override
    public void terminateComputeSystem(HcsSystem system, Duration timeout) {
        long start = System.nanoTime();
        run("HcsTerminateComputeSystem", timeout, op -> cc.HcsTerminateComputeSystem(handle(system.handle()), op, null));
        Duration left = timeout.minusNanos(System.nanoTime() - start);
        awaitStopped(system, left.isNegative() ? Duration.ZERO : left, "HcsTerminateComputeSystem");
    }

    @Override
    public void modifyComputeSystem(HcsSystem system, String request, Duration timeout) {
        run("HcsModifyComputeSystem", timeout, op -> cc.HcsModifyComputeSystem(handle(system.handle()), op, new WString(request), null));
    }

    @Override
    public String getComputeSystemProperties(HcsSystem system, String query) {
        return run("HcsGetComputeSystemProperties", callTimeout, op -> cc.HcsGetComputeSystemProperties(handle(system.handle()), op, new WString(query)));
    }

    @Override
    public String enumerateComputeSystems(String query) {
        String doc = run("HcsEnumerateComputeSystems", callTimeout, op -> cc.HcsEnumerateComputeSystems(new WString(query), op));
        return doc == null ? "[]" : doc;
    }

    @Override
    public void closeComputeSystem(HcsSystem system) {
        cc.HcsCloseComputeSystem(handle(system.handle()));
    }

    @Override
    public HcsProcess createProcess(HcsSystem system, String parameters, Duration timeout) {
        HANDLEByReference process = new HANDLEByReference();
        HANDLE op = newOperation();
        try {
            int hr = cc.HcsCreateProcess(handle(system.handle()), new WString(parameters), op, null, process);
            if (HResult.failed(hr)) {
                PointerByReference error = new PointerByReference();
                cc.HcsGetOperationResult(op, error);
                throw HcsException.fromResult("HcsCreateProcess", hr, memory.takeLocal(error));
            }
            HCS_PROCESS_INFORMATION info = new HCS_PROCESS_INFORMATION();
            PointerByReference result = new PointerByReference();
            hr = cc.HcsWaitForOperationResultAndProcessInfo(op, timeoutMs(timeout), info, result);
            String doc = memory.takeLocal(result);
            if (HResult.failed(hr)) {
                if (value(process.getValue()) != 0) {
                    cc.HcsCloseProcess(process.getValue());
                }
                throw HcsException.fromResult("HcsCreateProcess", hr, doc);
            }
            return process(value(process.getValue()), info);
        } finally {
            cc.HcsCloseOperation(op);
        }
    }

    @Override
    public void signalProcess(HcsProcess process, String options) {
        run("HcsSignalProcess", callTimeout, op -> cc.HcsSignalProcess(handle(process.handle()), op, new WString(options)));
    }

    @Override
    public void terminateProcess(HcsProcess process) {
        run("HcsTerminateProcess", callTimeout, op -> cc.HcsTerminateProcess(handle(process.handle()), op, null));
    }

    @Override
    public void modifyProcess(HcsProcess process, String settings) {
        run("HcsModifyProcess", callTimeout, op -> cc.HcsModifyProcess(handle(process.handle()), op, new WString(settings)));
    }

    @Override
    public String getProcessProperties(HcsProcess process) {
        return run("HcsGetProcessProperties", callTimeout, op -> cc.HcsGetProcessProperties(handle(process.handle()), op, null));
    }

    @Override
    public String waitForProcessExit(HcsProcess process, Duration timeout) {
        PointerByReference result = new PointerByReference();
        int hr;
        try {
            hr = cc.HcsWaitForProcessExit(handle(process.handle()), timeoutMs(timeout), result);
        } catch (UnsatisfiedLinkError before2104) {
            // HcsWaitForProcessExit exists from Windows 10 2104 / Server 2022; older hosts are polled.
            return pollProcessExit(process, timeout, "HcsGetProcessProperties");
        }
        String doc = memory.takeLocal(result);
        if (HResult.failed(hr)) {
            throw HcsException.fromResult("HcsWaitForProcessExit", hr, doc);
        }
        return doc;
    }

    @Override
    public void closeProcess(HcsProcess process) {
        cc.HcsCloseProcess(handle(process.handle()));
    }

}
