package dev.containerv.windows.hcs;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
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
import dev.containerv.windows.jna.VmCompute;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * ComputeCoreHcs over a mocked computecore.dll: the call sequence of the operation model, every operation
 * and handle closed, every returned string freed with LocalFree, also on failure paths.
 */
class ComputeCoreHcsTest {
    private final HANDLE op = new HANDLE(new Pointer(0x77));
    private ComputeCore cc;
    private VmCompute vm;
    private NativeMemory memory;
    private ComputeCoreHcs hcs;

    @BeforeEach
    void setUp() {
        cc = mock(ComputeCore.class);
        vm = mock(VmCompute.class);
        memory = mock(NativeMemory.class, org.mockito.Answers.CALLS_REAL_METHODS);
        doAnswer(i -> null).when(memory).localFree(any());
        hcs = new ComputeCoreHcs(cc, () -> vm, () -> mock(ComputeNetwork.class), () -> mock(Kernel32Extras.class), () -> mock(Kernel32.class), memory);
        when(cc.HcsCreateOperation(isNull(), isNull())).thenReturn(op);
    }

    private static Memory wide(String s) {
        Memory m = new Memory((s.length() + 1L) * com.sun.jna.Native.WCHAR_SIZE);
        m.setWideString(0, s);
        return m;
    }

    @Test
    void createThenStartWaitsAndClosesEachOperation() {
        doAnswer(i -> {
            ((HANDLEByReference) i.getArgument(4)).setValue(new HANDLE(new Pointer(0x55)));
            return 0;
        }).when(cc).HcsCreateComputeSystem(any(WString.class), any(WString.class), eq(op), isNull(), any(HANDLEByReference.class));
        when(cc.HcsWaitForOperationResult(eq(op), anyInt(), any())).thenReturn(0);
        when(cc.HcsStartComputeSystem(any(), eq(op), isNull())).thenReturn(0);

        HcsSystem system = hcs.createComputeSystem("c1", "{}", Duration.ofSeconds(3));
        hcs.startComputeSystem(system, Duration.ofSeconds(3));
        hcs.closeComputeSystem(system);

        assertThat(system.handle()).isEqualTo(0x55);
        InOrder order = inOrder(cc);
        order.verify(cc).HcsCreateOperation(null, null);
        order.verify(cc).HcsCreateComputeSystem(eq(new WString("c1")), eq(new WString("{}")), eq(op), isNull(), any());
        order.verify(cc).HcsWaitForOperationResult(eq(op), eq(3000), any());
        order.verify(cc).HcsCloseOperation(op);
        order.verify(cc).HcsCreateOperation(null, null);
        order.verify(cc).HcsStartComputeSystem(any(), eq(op), isNull());
        order.verify(cc).HcsCloseOperation(op);
        order.verify(cc).HcsCloseComputeSystem(any());
    }

    @Test
    void failedWaitMapsTheResultDocumentFreesItAndClosesEverything() {
        Memory doc = wide("{\"Error\":-2143878898,\"ErrorMessage\":\"A virtual machine or container with the specified identifier does not exist.\"}");
        doAnswer(i -> {
            ((HANDLEByReference) i.getArgument(4)).setValue(new HANDLE(new Pointer(0x56)));
            return 0;
        }).when(cc).HcsCreateComputeSystem(any(WString.class), any(WString.class), eq(op), isNull(), any(HANDLEByReference.class));
        doAnswer(i -> {
            ((PointerByReference) i.getArgument(2)).setValue(doc);
            return HResult.HCS_E_INVALID_JSON;
        }).when(cc).HcsWaitForOperationResult(eq(op), anyInt(), any());

        assertThatThrownBy(() -> hcs.createComputeSystem("c1", "{bad", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(HcsException.class, e -> {
                    assertThat(e.call()).isEqualTo("HcsCreateComputeSystem");
                    assertThat(e.hresult()).isEqualTo(HResult.HCS_E_INVALID_JSON);
                    assertThat(e.detail()).contains("does not exist");
                });
        verify(memory).localFree(doc);
        verify(cc).HcsCloseOperation(op);
        verify(cc).HcsCloseComputeSystem(any());
    }

    @Test
    void rejectedSubmitReadsTheErrorWithGetOperationResult() {
        when(cc.HcsStartComputeSystem(any(), eq(op), isNull())).thenReturn(HResult.HCS_E_ACCESS_DENIED);
        assertThatThrownBy(() -> hcs.startComputeSystem(new HcsSystem(0x55, "c1"), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(HcsException.class, e -> assertThat(e.hresult()).isEqualTo(HResult.HCS_E_ACCESS_DENIED));
        verify(cc).HcsGetOperationResult(eq(op), any());
        verify(cc, never()).HcsWaitForOperationResult(any(), anyInt(), any());
        verify(cc).HcsCloseOperation(op);
    }

    @Test
    void nullOperationIsReportedWithoutCallingHcs() {
        when(cc.HcsCreateOperation(isNull(), isNull())).thenReturn(null);
        assertThatThrownBy(() -> hcs.startComputeSystem(new HcsSystem(1, "c1"), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(HcsException.class, e -> assertThat(e.call()).isEqualTo("HcsCreateOperation"));
        verify(cc, never()).HcsStartComputeSystem(any(), any(), any());
    }

    @Test
    void createProcessReadsProcessInfoAndClosesTheProcessWhenTheWaitFails() {
        doAnswer(i -> {
            ((HANDLEByReference) i.getArgument(4)).setValue(new HANDLE(new Pointer(0x99)));
            return 0;
        }).when(cc).HcsCreateProcess(any(), any(WString.class), eq(op), isNull(), any(HANDLEByReference.class));
        doAnswer(i -> {
            HCS_PROCESS_INFORMATION info = i.getArgument(2);
            info.ProcessId = 4242;
            return 0;
        }).when(cc).HcsWaitForOperationResultAndProcessInfo(eq(op), anyInt(), any(), any());
        HcsProcess p = hcs.createProcess(new HcsSystem(0x55, "c1"), "{\"CommandLine\":\"cmd\"}", Duration.ofSeconds(1));
        assertThat(p.processId()).isEqualTo(4242);
        assertThat(p.handle()).isEqualTo(0x99);
        verify(cc).HcsCloseOperation(op);

        when(cc.HcsWaitForOperationResultAndProcessInfo(eq(op), anyInt(), any(), any())).thenReturn(0x80070002);
        assertThatThrownBy(() -> hcs.createProcess(new HcsSystem(0x55, "c1"), "{}", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(HcsException.class, e -> assertThat(HResult.info(e.hresult()).name()).isEqualTo("ERROR_FILE_NOT_FOUND"));
        verify(cc).HcsCloseProcess(any());
    }

    @Test
    void waitForProcessExitFallsBackToPollingOnOldHosts() {
        when(cc.HcsWaitForProcessExit(any(), anyInt(), any())).thenThrow(new UnsatisfiedLinkError("Error looking up function 'HcsWaitForProcessExit'"));
        Memory status = wide("{\"ProcessId\":7,\"Exited\":true,\"ExitCode\":3,\"LastWaitResult\":0}");
        when(cc.HcsGetProcessProperties(any(), eq(op), isNull())).thenReturn(0);
        doAnswer(i -> {
            ((PointerByReference) i.getArgument(2)).setValue(status);
            return 0;
        }).when(cc).HcsWaitForOperationResult(eq(op), anyInt(), any());
        String doc = hcs.waitForProcessExit(new HcsProcess(0x99, 7, null, null, null), Duration.ofSeconds(1));
        assertThat(doc).contains("\"ExitCode\":3");
        verify(memory).localFree(status);
    }

    @Test
    void callsWithoutATimeoutOfTheirOwnAreBoundedNotInfinite() {
        Memory props = wide("{}");
        doAnswer(i -> {
            ((PointerByReference) i.getArgument(2)).setValue(props);
            return 0;
        }).when(cc).HcsWaitForOperationResult(eq(op), anyInt(), any());
        HcsSystem system = new HcsSystem(0x55, "c1");
        HcsProcess process = new HcsProcess(0x99, 7, null, null, null);
        hcs.getComputeSystemProperties(system, "{}");
        hcs.enumerateComputeSystems("{}");
        hcs.signalProcess(process, "{}");
        hcs.terminateProcess(process);
        hcs.modifyProcess(process, "{}");
        hcs.getProcessProperties(process);
        verify(cc, org.mockito.Mockito.times(6)).HcsWaitForOperationResult(eq(op), eq(60_000), any());
        verify(cc, never()).HcsWaitForOperationResult(eq(op), eq(ComputeCore.INFINITE), any());
    }
}
