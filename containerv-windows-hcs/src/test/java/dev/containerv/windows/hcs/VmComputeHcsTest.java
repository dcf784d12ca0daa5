package dev.containerv.windows.hcs;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.containerv.windows.jna.ComputeNetwork;
import dev.containerv.windows.jna.HcsTypes.HCS_NOTIFICATION_CALLBACK;
import dev.containerv.windows.jna.HcsTypes.HCS_PROCESS_INFORMATION;
import dev.containerv.windows.jna.Kernel32Extras;
import dev.containerv.windows.jna.NativeMemory;
import dev.containerv.windows.jna.VmCompute;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * VmComputeHcs over a vmcompute.dll that is as strict as the real one: a create or start answered with
 * HCS_E_PENDING completes only through the registered compute-system callback, may fail there with its own
 * HRESULT, and the system may be stopped or gone meanwhile (the State tells nothing useful).
 */
class VmComputeHcsTest {
    private static final HANDLE SYSTEM = new HANDLE(new Pointer(0x55));
    private static final HANDLE REGISTRATION = new HANDLE(new Pointer(0x66));
    private VmCompute vm;
    private NativeMemory memory;
    private VmComputeHcs hcs;
    private final AtomicReference<HCS_NOTIFICATION_CALLBACK> callback = new AtomicReference<>();

    @BeforeEach
    void setUp() {
        vm = mock(VmCompute.class);
        memory = mock(NativeMemory.class, org.mockito.Answers.CALLS_REAL_METHODS);
        doAnswer(i -> null).when(memory).coTaskMemFree(any());
        hcs = new VmComputeHcs(vm, () -> mock(ComputeNetwork.class), () -> mock(Kernel32Extras.class), () -> mock(Kernel32.class), memory);
        doAnswer(i -> {
            ((HANDLEByReference) i.getArgument(3)).setValue(SYSTEM);
            return VmCompute.HCS_E_PENDING;
        }).when(vm).HcsCreateComputeSystem(any(WString.class), any(WString.class), isNull(), any(HANDLEByReference.class), any(PointerByReference.class));
        doAnswer(i -> {
            callback.set(i.getArgument(1));
            ((HANDLEByReference) i.getArgument(3)).setValue(REGISTRATION);
            return 0;
        }).when(vm).HcsRegisterComputeSystemCallback(eq(SYSTEM), any(), any(), any(HANDLEByReference.class));
        // Polling the State learns nothing: the system is gone once a start failed.
        when(vm.HcsGetComputeSystemProperties(any(), any(), any(), any())).thenReturn(HResult.HCS_LEGACY_SYSTEM_NOT_FOUND);
    }

    private void notifyLater(int type, int status) {
        CompletableFuture.runAsync(() -> callback.get().callback(type, null, status, null),
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
    }

    @Test
    void pendingCreateAndStartCompleteThroughTheCallback() {
        when(vm.HcsStartComputeSystem(eq(SYSTEM), eq(new WString("")), any())).thenAnswer(i -> {
            notifyLater(3, 0);
            return VmCompute.HCS_E_PENDING;
        });
        CompletableFuture.runAsync(() -> {
            while (callback.get() == null) {
                Thread.onSpinWait();
            }
            callback.get().callback(2, null, 0, null);
        });
        HcsSystem system = hcs.createComputeSystem("c1", "{}", Duration.ofSeconds(5));
        hcs.startComputeSystem(system, Duration.ofSeconds(5));
        hcs.closeComputeSystem(system);

        InOrder order = inOrder(vm);
        order.verify(vm).HcsCreateComputeSystem(eq(new WString("c1")), eq(new WString("{}")), isNull(), any(), any());
        order.verify(vm).HcsRegisterComputeSystemCallback(eq(SYSTEM), any(), any(), any());
        order.verify(vm).HcsStartComputeSystem(eq(SYSTEM), eq(new WString("")), any());
        order.verify(vm).HcsUnregisterComputeSystemCallback(REGISTRATION);
        order.verify(vm).HcsCloseComputeSystem(SYSTEM);
    }

    @Test
    void aStartThatFailsAfterPendingReportsItsOwnHresultAtOnce() {
        callbackCompletesCreate();
        HcsSystem system = hcs.createComputeSystem("c1", "{}", Duration.ofSeconds(5));
        when(vm.HcsStartComputeSystem(eq(SYSTEM), eq(new WString("")), any())).thenAnswer(i -> {
            notifyLater(3, HResult.HCS_E_IMAGE_MISMATCH);
            return VmCompute.HCS_E_PENDING;
        });
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> hcs.startComputeSystem(system, Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(HcsException.class, e -> {
                    assertThat(e.call()).isEqualTo("HcsStartComputeSystem");
                    assertThat(e.hresult()).isEqualTo(HResult.HCS_E_IMAGE_MISMATCH);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        hcs.closeComputeSystem(system);
    }

    @Test
    void aSystemThatExitsWhileItsStartIsPendingFailsTheStart() {
        callbackCompletesCreate();
        HcsSystem system = hcs.createComputeSystem("c1", "{}", Duration.ofSeconds(5));
        when(vm.HcsStartComputeSystem(eq(SYSTEM), eq(new WString("")), any())).thenAnswer(i -> {
            notifyLater(1, 0);
            return VmCompute.HCS_E_PENDING;
        });
        assertThatThrownBy(() -> hcs.startComputeSystem(system, Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(HcsException.class, e -> {
                    assertThat(e.call()).isEqualTo("HcsStartComputeSystem");
                    assertThat(e.hresult()).isEqualTo(HResult.HCS_E_UNEXPECTED_EXIT);
                });
        hcs.closeComputeSystem(system);
    }

    @Test
    void aCreateThatFailsAfterPendingClosesTheHandleAndUnregisters() {
        CompletableFuture.runAsync(() -> {
            while (callback.get() == null) {
                Thread.onSpinWait();
            }
            callback.get().callback(2, null, HResult.HCS_E_INVALID_LAYER, new WString("{\"Error\":-2143878899,\"ErrorMessage\":\"bad layer\"}"));
        });
        assertThatThrownBy(() -> hcs.createComputeSystem("c1", "{}", Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(HcsException.class, e -> {
                    assertThat(e.call()).isEqualTo("HcsCreateComputeSystem");
                    assertThat(e.hresult()).isEqualTo(HResult.HCS_E_INVALID_LAYER);
                    assertThat(e.detail()).contains("bad layer");
                });
        verify(vm).HcsUnregisterComputeSystemCallback(REGISTRATION);
        verify(vm).HcsCloseComputeSystem(SYSTEM);
    }

    @Test
    void processLifeAndTerminateInOrder() {
        callbackCompletesCreate();
        HcsSystem system = hcs.createComputeSystem("c1", "{}", Duration.ofSeconds(5));
        HANDLE process = new HANDLE(new Pointer(0x99));
        doAnswer(i -> {
            ((HCS_PROCESS_INFORMATION) i.getArgument(2)).ProcessId = 4242;
            ((HANDLEByReference) i.getArgument(3)).setValue(process);
            return 0;
        }).when(vm).HcsCreateProcess(eq(SYSTEM), any(WString.class), any(), any(), any());
        HcsProcess p = hcs.createProcess(system, "{}", Duration.ofSeconds(1));
        assertThat(p.processId()).isEqualTo(4242);
        hcs.modifyProcess(p, "{\"Operation\":\"CloseHandle\",\"CloseHandle\":{\"Handle\":\"StdIn\"}}");
        hcs.terminateProcess(p);
        hcs.closeProcess(p);
        hcs.terminateComputeSystem(system, Duration.ofSeconds(2));
        hcs.closeComputeSystem(system);
        InOrder order = inOrder(vm);
        order.verify(vm).HcsCreateProcess(eq(SYSTEM), any(), any(), any(), any());
        order.verify(vm).HcsModifyProcess(eq(process), eq(new WString("{\"Operation\":\"CloseHandle\",\"CloseHandle\":{\"Handle\":\"StdIn\"}}")), any());
        order.verify(vm).HcsTerminateProcess(eq(process), any());
        order.verify(vm).HcsCloseProcess(process);
        order.verify(vm).HcsTerminateComputeSystem(eq(SYSTEM), eq(new WString("")), any());
        order.verify(vm).HcsUnregisterComputeSystemCallback(REGISTRATION);
        order.verify(vm).HcsCloseComputeSystem(SYSTEM);
        verify(vm, never()).HcsStartComputeSystem(any(), any(), any());
    }

    @Test
    void aSynchronousCallThatOutlastsTheBoundIsReported() {
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        VmComputeHcs watched = new VmComputeHcs(vm, () -> mock(ComputeNetwork.class), () -> mock(Kernel32Extras.class), () -> mock(Kernel32.class),
                memory, new CallTimeouts(Duration.ofMillis(100), warnings::add));
        when(vm.HcsSignalProcess(any(), any(), any())).thenAnswer(i -> {
            Thread.sleep(600);
            return 0;
        });
        when(vm.HcsTerminateProcess(any(), any())).thenReturn(0);
        HcsProcess p = new HcsProcess(0x99, 7, null, null, null);
        watched.terminateProcess(p);
        assertThat(warnings).isEmpty();
        watched.signalProcess(p, "{}");
        assertThat(warnings).singleElement().asString().contains("HcsSignalProcess(7)").contains("100 ms");
    }

    private void callbackCompletesCreate() {
        CompletableFuture.runAsync(() -> {
            while (callback.get() == null) {
                Thread.onSpinWait();
            }
            callback.get().callback(2, null, 0, null);
        });
    }
}
