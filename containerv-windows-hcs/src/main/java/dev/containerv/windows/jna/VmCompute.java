package dev.containerv.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference;
import com.sun.jna.platform.win32.Guid.GUID;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import dev.containerv.windows.jna.HcsTypes.HCS_NOTIFICATION_CALLBACK;
import dev.containerv.windows.jna.HcsTypes.HCS_PROCESS_INFORMATION;

/**
 * vmcompute.dll, the older, undocumented HCS API that hcsshim binds ({@code internal/vmcompute/vmcompute.go},
 * {@code internal/wclayer/wclayer.go}). Its calls are synchronous in style: HRESULT return, a trailing
 * {@code PWSTR* result} carrying the error document (freed with {@code CoTaskMemFree}), and
 * {@link #HCS_E_PENDING} when the work completes later on a registered callback. The layer-storage
 * exports live here too. Never mix these signatures with {@link ComputeCore}'s. Loaded lazily by
 * {@link Natives#vmCompute()}.
 */
public interface VmCompute extends StdCallLibrary {
    /** The DLL name. */
    String DLL = "vmcompute";

    /** The call was accepted and completes on the registered callback. */
    int HCS_E_PENDING = 0xC0370103;

    /** {@code GRAPH_DRIVER_TYPE} FilterDriver: the windowsfilter layer store. */
    int FilterDriver = 1;

    /** {@code HRESULT HcsEnumerateComputeSystems(PCWSTR query, PWSTR* computeSystems, PWSTR* result)}. */
    int HcsEnumerateComputeSystems(WString query, PointerByReference computeSystems, PointerByReference result);

    /** {@code HRESULT HcsCreateComputeSystem(PCWSTR id, PCWSTR configuration, HANDLE identity, HCS_SYSTEM* computeSystem, PWSTR* result)}. */
    int HcsCreateComputeSystem(WString id, WString configuration, HANDLE identity, HANDLEByReference computeSystem, PointerByReference result);

    /** {@code HRESULT HcsOpenComputeSystem(PCWSTR id, HCS_SYSTEM* computeSystem, PWSTR* result)}. */
    int HcsOpenComputeSystem(WString id, HANDLEByReference computeSystem, PointerByReference result);

    /** {@code HRESULT HcsCloseComputeSystem(HCS_SYSTEM computeSystem)}. */
    int HcsCloseComputeSystem(HANDLE computeSystem);

    /** {@code HRESULT HcsStartComputeSystem(HCS_SYSTEM computeSystem, PCWSTR options, PWSTR* result)}. */
    int HcsStartComputeSystem(HANDLE computeSystem, WString options, PointerByReference result);

    /** {@code HRESULT HcsShutdownComputeSystem(HCS_SYSTEM computeSystem, PCWSTR options, PWSTR* result)} (lower-case d). */
    int HcsShutdownComputeSystem(HANDLE computeSystem, WString options, PointerByReference result);

    /** {@code HRESULT HcsTerminateComputeSystem(HCS_SYSTEM computeSystem, PCWSTR options, PWSTR* result)}. */
    int HcsTerminateComputeSystem(HANDLE computeSystem, WString options, PointerByReference result);

    /** {@code HRESULT HcsPauseComputeSystem(HCS_SYSTEM computeSystem, PCWSTR options, PWSTR* result)}. */
    int HcsPauseComputeSystem(HANDLE computeSystem, WString options, PointerByReference result);

    /** {@code HRESULT HcsResumeComputeSystem(HCS_SYSTEM computeSystem, PCWSTR options, PWSTR* result)}. */
    int HcsResumeComputeSystem(HANDLE computeSystem, WString options, PointerByReference result);

    /** {@code HRESULT HcsGetComputeSystemProperties(HCS_SYSTEM computeSystem, PCWSTR propertyQuery, PWSTR* properties, PWSTR* result)}. */
    int HcsGetComputeSystemProperties(HANDLE computeSystem, WString propertyQuery, PointerByReference properties, PointerByReference result);

    /** {@code HRESULT HcsModifyComputeSystem(HCS_SYSTEM computeSystem, PCWSTR configuration, PWSTR* result)}. */
    int HcsModifyComputeSystem(HANDLE computeSystem, WString configuration, PointerByReference result);

    /** {@code HRESULT HcsRegisterComputeSystemCallback(HCS_SYSTEM computeSystem, HCS_NOTIFICATION_CALLBACK callback, void* context, HCS_CALLBACK* callbackHandle)}. */
    int HcsRegisterComputeSystemCallback(HANDLE computeSystem, HCS_NOTIFICATION_CALLBACK callback, Pointer context, HANDLEByReference callbackHandle);

    /** {@code HRESULT HcsUnregisterComputeSystemCallback(HCS_CALLBACK callbackHandle)}. */
    int HcsUnregisterComputeSystemCallback(HANDLE callbackHandle);

    /** {@code HRESULT HcsCreateProcess(HCS_SYSTEM computeSystem, PCWSTR processParameters, HCS_PROCESS_INFORMATION* processInformation, HCS_PROCESS* process, PWSTR* result)}. */
    int HcsCreateProcess(HANDLE computeSystem, WString processParameters, HCS_PROCESS_INFORMATION processInformation,
                         HANDLEByReference process, PointerByReference result);

    /** {@code HRESULT HcsOpenProcess(HCS_SYSTEM computeSystem, DWORD pid, HCS_PROCESS* process, PWSTR* result)}. */
    int HcsOpenProcess(HANDLE computeSystem, int pid, HANDLEByReference process, PointerByReference result);

    /** {@code HRESULT HcsCloseProcess(HCS_PROCESS process)}. */
    int HcsCloseProcess(HANDLE process);

    /** {@code HRESULT HcsTerminateProcess(HCS_PROCESS process, PWSTR* result)}. */
    int HcsTerminateProcess(HANDLE process, PointerByReference result);

    /** {@code HRESULT HcsSignalProcess(HCS_PROCESS process, PCWSTR options, PWSTR* result)}. */
    int HcsSignalProcess(HANDLE process, WString options, PointerByReference result);

    /** {@code HRESULT HcsGetProcessInfo(HCS_PROCESS process, HCS_PROCESS_INFORMATION* processInformation, PWSTR* result)}. */
    int HcsGetProcessInfo(HANDLE process, HCS_PROCESS_INFORMATION processInformation, PointerByReference result);

    /** {@code HRESULT HcsGetProcessProperties(HCS_PROCESS process, PWSTR* processProperties, PWSTR* result)}. */
    int HcsGetProcessProperties(HANDLE process, PointerByReference processProperties, PointerByReference result);

    /** {@code HRESULT HcsModifyProcess(HCS_PROCESS process, PCWSTR settings, PWSTR* result)}. */
    int HcsModifyProcess(HANDLE process, WString settings, PointerByReference result);

    /** {@code HRESULT HcsRegisterProcessCallback(HCS_PROCESS process, HCS_NOTIFICATION_CALLBACK callback, void* context, HCS_CALLBACK* callbackHandle)}. */
    int HcsRegisterProcessCallback(HANDLE process, HCS_NOTIFICATION_CALLBACK callback, Pointer context, HANDLEByReference callbackHandle);

    /** {@code HRESULT HcsUnregisterProcessCallback(HCS_CALLBACK callbackHandle)}. */
    int HcsUnregisterProcessCallback(HANDLE callbackHandle);

    /** {@code HRESULT HNSCall(PCWSTR method, PCWSTR path, PCWSTR object, PWSTR* response)}: HNS v1 over REST-like paths. */
    int HNSCall(WString method, WString path, WString object, PointerByReference response);

    /** {@code HRESULT ActivateLayer(DriverInfo* info, PCWSTR id)}. */
    int ActivateLayer(DriverInfo info, WString id);

    /** {@code HRESULT DeactivateLayer(DriverInfo* info, PCWSTR id)}. */
    int DeactivateLayer(DriverInfo info, WString id);

    /**
     * {@code HRESULT CreateSandboxLayer(DriverInfo* info, PCWSTR id, PCWSTR parentId, WC_LAYER_DESCRIPTOR* descriptors, ULONG descriptorsCount)}:
     * creates the scratch {@code sandbox.vhdx} of a layer folder over its parents (nearest first); hcsshim passes NULL for parentId.
     */
    int CreateSandboxLayer(DriverInfo info, WString id, WString parentId, WC_LAYER_DESCRIPTOR[] descriptors, int descriptorsCount);

    /** {@code HRESULT PrepareLayer(DriverInfo* info, PCWSTR id, WC_LAYER_DESCRIPTOR* descriptors, ULONG descriptorsCount)}. */
    int PrepareLayer(DriverInfo info, WString id, WC_LAYER_DESCRIPTOR[] descriptors, int descriptorsCount);

    /** {@code HRESULT UnprepareLayer(DriverInfo* info, PCWSTR id)}. */
    int UnprepareLayer(DriverInfo info, WString id);

    /** {@code HRESULT GetLayerMountPath(DriverInfo* info, PCWSTR id, SIZE_T* length, PWSTR buffer)}: call with a NULL buffer for the length in characters. */
    int GetLayerMountPath(DriverInfo info, WString id, ULONG_PTRByReference length, char[] buffer);

    /** {@code HRESULT NameToGuid(PCWSTR name, GUID* guid)}: the layer id HCS expects for a layer folder name. */
    int NameToGuid(WString name, GUID guid);

    /** {@code HRESULT GrantVmAccess(PCWSTR vmid, PCWSTR filepath)}: lets a utility VM open a VHD. */
    int GrantVmAccess(WString vmid, WString filepath);

    /** {@code struct DriverInfo { GRAPH_DRIVER_TYPE Flavour; LPCWSTR HomeDir; }}: the layer store (a layer's parent folder). */
    @Structure.FieldOrder({"Flavour", "HomeDir"})
    class DriverInfo extends Structure {
        public int Flavour;
        public WString HomeDir;

        public DriverInfo() {
        }

        public DriverInfo(String homeDir) {
            this.Flavour = FilterDriver;
            this.HomeDir = new WString(homeDir);
        }
    }

    /** {@code struct WC_LAYER_DESCRIPTOR { GUID LayerId; ULONG Flags; PWSTR Path; }}: one parent layer for PrepareLayer. */
    @Structure.FieldOrder({"LayerId", "Flags", "Path"})
    class WC_LAYER_DESCRIPTOR extends Structure {
        public GUID LayerId;
        public int Flags;
        public WString Path;
    }
}
