package dev.containerv.windows.hcs;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference;
import com.sun.jna.platform.win32.Guid.GUID;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.containerv.windows.jna.ComputeNetwork;
import dev.containerv.windows.jna.NativeMemory;
import dev.containerv.windows.jna.VmCompute;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The call sequences of the layer store (vmcompute.dll's layer exports) and of HCN (computenetwork.dll) over mocked
 * DLLs: the arguments each export gets, every HCN handle closed and every returned string freed, also on failure.
 */
class NativeLayerStoreAndNetworkTest {
    private static final Path LAYER = Path.of("/store/windowsfilter/c1");
    private static final List<Path> PARENTS = List.of(Path.of("/store/windowsfilter/mid"), Path.of("/store/windowsfilter/base"));

    private static Memory wide(String s) {
        Memory m = new Memory((s.length() + 1L) * com.sun.jna.Native.WCHAR_SIZE);
        m.setWideString(0, s);
        return m;
    }

    @Test
    void createScratchLayerNamesTheStoreTheLayerAndEachParent() {
        VmCompute vm = mock(VmCompute.class);
        doAnswer(i -> {
            ((GUID) i.getArgument(1)).Data1 = i.getArgument(0, WString.class).toString().hashCode();
            return 0;
        }).when(vm).NameToGuid(any(), any());
        doAnswer(i -> {
            VmCompute.DriverInfo info = i.getArgument(0);
            assertThat(info.Flavour).isEqualTo(VmCompute.FilterDriver);
            assertThat(info.HomeDir.toString()).isEqualTo(LAYER.getParent().toString());
            VmCompute.WC_LAYER_DESCRIPTOR[] d = i.getArgument(3);
            assertThat(d).hasSize(2);
            assertThat(d[0].Path.toString()).isEqualTo(PARENTS.get(0).toString());
            assertThat(d[1].Path.toString()).isEqualTo(PARENTS.get(1).toString());
            assertThat(d[0].LayerId.Data1).isEqualTo("mid".hashCode());
            return 0;
        }).when(vm).CreateSandboxLayer(any(), eq(new WString("c1")), isNull(), any(), eq(2));
        new NativeLayerStore(() -> vm).createScratchLayer(LAYER, PARENTS);
        verify(vm).CreateSandboxLayer(any(), eq(new WString("c1")), isNull(), any(), eq(2));
    }

    @Test
    void mountPathIsAskedForItsLengthThenRead() {
        VmCompute vm = mock(VmCompute.class);
        String volume = "\\\\?\\Volume{0f3a8b5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b}";
        doAnswer(i -> {
            ULONG_PTRByReference length = i.getArgument(2);
            char[] buffer = i.getArgument(3);
            if (buffer == null) {
                length.setValue(new ULONG_PTR(volume.length() + 1));
            } else {
                volume.getChars(0, volume.length(), buffer, 0);
            }
            return 0;
        }).when(vm).GetLayerMountPath(any(), eq(new WString("c1")), any(), any());
        assertThat(new NativeLayerStore(() -> vm).getLayerMountPath(LAYER)).isEqualTo(volume);

        when(vm.PrepareLayer(any(), any(), any(), eq(0))).thenReturn(HResult.fromWin32(HResult.ERROR_NOT_READY));
        assertThatThrownBy(() -> new NativeLayerStore(() -> vm).prepareLayer(LAYER, List.of()))
                .isInstanceOfSatisfying(HcsException.class, e -> {
                    assertThat(e.call()).isEqualTo("PrepareLayer");
                    assertThat(HResult.isMountRace(e.hresult())).isTrue();
                });
    }

    @Test
    void createEndpointClosesBothHandlesAndFreesEveryString() {
        ComputeNetwork hcn = mock(ComputeNetwork.class);
        NativeMemory memory = mock(NativeMemory.class, org.mockito.Answers.CALLS_REAL_METHODS);
        doAnswer(i -> null).when(memory).coTaskMemFree(any());
        HANDLE network = new HANDLE(new Pointer(0x31));
        HANDLE endpoint = new HANDLE(new Pointer(0x32));
        Memory doc = wide("{\"ID\":\"e1\"}");
        doAnswer(i -> {
            ((HANDLEByReference) i.getArgument(1)).setValue(network);
            return 0;
        }).when(hcn).HcnOpenNetwork(any(), any(), any());
        doAnswer(i -> {
            assertThat(((GUID) i.getArgument(1)).toGuidString()).isEqualTo(new GUID().toGuidString());
            ((HANDLEByReference) i.getArgument(3)).setValue(endpoint);
            return 0;
        }).when(hcn).HcnCreateEndpoint(eq(network), any(), any(), any(), any());
        doAnswer(i -> {
            ((PointerByReference) i.getArgument(2)).setValue(doc);
            return 0;
        }).when(hcn).HcnQueryEndpointProperties(eq(endpoint), any(), any(), any());
        String result = new NativeHostNetwork(() -> hcn, memory).createEndpoint(UUID.randomUUID(), "{}");
        assertThat(result).isEqualTo("{\"ID\":\"e1\"}");
        verify(memory).coTaskMemFree(doc);
        InOrder order = inOrder(hcn);
        order.verify(hcn).HcnOpenNetwork(any(), any(), any());
        order.verify(hcn).HcnCreateEndpoint(eq(network), any(), eq(new WString("{}")), any(), any());
        order.verify(hcn).HcnQueryEndpointProperties(eq(endpoint), any(), any(), any());
        order.verify(hcn).HcnCloseEndpoint(endpoint);
        order.verify(hcn).HcnCloseNetwork(network);
    }

    @Test
    void aRefusedEndpointStillClosesTheNetworkAndReadsTheErrorRecord() {
        ComputeNetwork hcn = mock(ComputeNetwork.class);
        NativeMemory memory = mock(NativeMemory.class, org.mockito.Answers.CALLS_REAL_METHODS);
        doAnswer(i -> null).when(memory).coTaskMemFree(any());
        HANDLE network = new HANDLE(new Pointer(0x41));
        Memory error = wide("{\"Error\":-2143682530,\"ErrorMessage\":\"invalid IP\"}");
        doAnswer(i -> {
            ((HANDLEByReference) i.getArgument(1)).setValue(network);
            return 0;
        }).when(hcn).HcnOpenNetwork(any(), any(), any());
        doAnswer(i -> {
            ((PointerByReference) i.getArgument(4)).setValue(error);
            return HResult.HCN_E_INVALID_IP;
        }).when(hcn).HcnCreateEndpoint(eq(network), any(), any(), any(), any());
        assertThatThrownBy(() -> new NativeHostNetwork(() -> hcn, memory).createEndpoint(UUID.randomUUID(), "{}"))
                .isInstanceOfSatisfying(HcsException.class, e -> {
                    assertThat(e.call()).isEqualTo("HcnCreateEndpoint");
                    assertThat(HResult.info(e.hresult()).name()).isEqualTo("HCN_E_INVALID_IP");
                });
        verify(memory).coTaskMemFree(error);
        verify(hcn).HcnCloseNetwork(network);
    }
}
