package dev.containerv.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.PointerByReference;
import com.sun.jna.win32.StdCallLibrary;
import dev.containerv.windows.jna.HcsTypes.HCS_EVENT_CALLBACK;
import dev.containerv.windows.jna.HcsTypes.HCS_OPERATION_COMPLETION;
import dev.containerv.windows.jna.HcsTypes.HCS_PROCESS_INFORMATION;

/**
 * computecore.dll, the documented HCS API (ComputeCore.h; Windows 10 1809 / Server 2019 and later), transcribed
 * from the MicrosoftDocs {@code virtualization/api/hcs/Reference} pages. Names and parameter names are the C ones.
 *
 * <p>Every call that takes an {@code operation} only starts the work; its outcome is the HRESULT of
 * {@link #HcsWaitForOperationResult}. Result strings ({@code PWSTR*}) are freed with {@code LocalFree}.
 * Handles ({@code HCS_OPERATION}, {@code HCS_SYSTEM}, {@code HCS_PROCESS}) are opaque and each is closed
 * with its own close function. Loaded lazily by {@link Natives#computeCore()}.
 */
public interface ComputeCore extends StdCallLibrary {
    /** The DLL name. */
    String DLL = "computecore";

    /** {@code GENERIC_ALL}, the access HcsOpenComputeSystem is given. */
    int GENERIC_ALL = 0x10000000;
    /** {@code INFINITE} as a DWORD timeout. */
    int INFINITE = 0xFFFFFFFF;

    /** {@code HCS_OPERATION HcsCreateOperation(const void* context, HCS_OPERATION_COMPLETION callback)}; NULL on failure. */
    HANDLE HcsCreateOperation(Pointer context, HCS_OPERATION_COMPLETION callback);

    /** {@code void HcsCloseOperation(HCS_OPERATION operation)}. */
    void HcsCloseOperation(HANDLE operation);

    /** {@code HRESULT HcsWaitForOperationResult(HCS_OPERATION operation, DWORD timeoutMs, PWSTR* resultDocument)}. */
    int HcsWaitForOperationResult(HANDLE operation, int timeoutMs, PointerByReference resultDocument);

    /** {@code HRESULT HcsWaitForOperationResultAndProcessInfo(HCS_OPERATION, DWORD timeoutMs, HCS_PROCESS_INFORMATION*, PWSTR* resultDocument)}. */
    int HcsWaitForOperationResultAndProcessInfo(HANDLE operation, int timeoutMs, HCS_PROCESS_INFORMATION processInformation,
                                                PointerByReference resultDocument);

    /** {@code HRESULT HcsGetOperationResult(HCS_OPERATION operation, PWSTR* resultDocument)}; does not block. */
    int HcsGetOperationResult(HANDLE operation, PointerByReference resultDocument);

    /** {@code HRESULT HcsGetOperationResultAndProcessInfo(HCS_OPERATION, HCS_PROCESS_INFORMATION*, PWSTR* resultDocument)}. */
    int HcsGetOperationResultAndProcessInfo(HANDLE operation, HCS_PROCESS_INFORMATION processInformation, PointerByReference resultDocument);

    /** {@code HRESULT HcsSetOperationCallback(HCS_OPERATION operation, const void* context, HCS_OPERATION_COMPLETION callback)}. */
    int HcsSetOperationCallback(HANDLE operation, Pointer context, HCS_OPERATION_COMPLETION callback);

    /** {@code HRESULT HcsCancelOperation(HCS_OPERATION operation)}; documented to return E_NOTIMPL. */
    int HcsCancelOperation(HANDLE operation);

    /** {@code HRESULT HcsCreateComputeSystem(PCWSTR id, PCWSTR configuration, HCS_OPERATION operation, const SECURITY_DESCRIPTOR* securityDescriptor, HCS_SYSTEM* computeSystem)}. */
    int HcsCreateComputeSystem(WString id, WString configuration, HANDLE operation, Pointer securityDescriptor, HANDLEByReference computeSystem);

    /** {@code HRESULT HcsOpenComputeSystem(PCWSTR id, DWORD requestedAccess, HCS_SYSTEM* computeSystem)}; synchronous. */
    int HcsOpenComputeSystem(WString id, int requestedAccess, HANDLEByReference computeSystem);

    /** {@code HRESULT HcsStartComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options)}. */
    int HcsStartComputeSystem(HANDLE computeSystem, HANDLE operation, WString options);

    /** {@code HRESULT HcsShutDownComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options)} (capital D). */
    int HcsShutDownComputeSystem(HANDLE computeSystem, HANDLE operation, WString options);

    /** {@code HRESULT HcsTerminateComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options)}. */
    int HcsTerminateComputeSystem(HANDLE computeSystem, HANDLE operation, WString options);

    /** {@code void HcsCloseComputeSystem(HCS_SYSTEM computeSystem)}. */
    void HcsCloseComputeSystem(HANDLE computeSystem);

    /** {@code HRESULT HcsModifyComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR configuration, HANDLE identity)}. */
    int HcsModifyComputeSystem(HANDLE computeSystem, HANDLE operation, WString configuration, HANDLE identity);

    /** {@code HRESULT HcsGetComputeSystemProperties(HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR propertyQuery)}. */
    int HcsGetComputeSystemProperties(HANDLE computeSystem, HANDLE operation, WString propertyQuery);

    /** {@code HRESULT HcsEnumerateComputeSystems(PCWSTR query, HCS_OPERATION operation)}. */
    int HcsEnumerateComputeSystems(WString query, HANDLE operation);

    /** {@code HRESULT HcsWaitForComputeSystemExit(HCS_SYSTEM computeSystem, DWORD timeoutMs, PWSTR* result)}; Windows 10 2104 / Server 2022 and later. */
    int HcsWaitForComputeSystemExit(HANDLE computeSystem, int timeoutMs, PointerByReference result);

    /** {@code HRESULT HcsSetComputeSystemCallback(HCS_SYSTEM computeSystem, HCS_EVENT_OPTIONS callbackOptions, const void* context, HCS_EVENT_CALLBACK callback)}. */
    int HcsSetComputeSystemCallback(HANDLE computeSystem, int callbackOptions, Pointer context, HCS_EVENT_CALLBACK callback);

    /** {@code HRESULT HcsCreateProcess(HCS_SYSTEM computeSystem, PCWSTR processParameters, HCS_OPERATION operation, const SECURITY_DESCRIPTOR* securityDescriptor, HCS_PROCESS* process)}. */
    int HcsCreateProcess(HANDLE computeSystem, WString processParameters, HANDLE operation, Pointer securityDescriptor, HANDLEByReference process);

    /** {@code HRESULT HcsOpenProcess(HCS_SYSTEM computeSystem, DWORD processId, DWORD requestedAccess, HCS_PROCESS* process)}; synchronous. */
    int HcsOpenProcess(HANDLE computeSystem, int processId, int requestedAccess, HANDLEByReference process);

    /** {@code HRESULT HcsGetProcessInfo(HCS_PROCESS process, HCS_OPERATION operation)}; read with ...AndProcessInfo. */
    int HcsGetProcessInfo(HANDLE process, HANDLE operation);

    /** {@code HRESULT HcsGetProcessProperties(HCS_PROCESS process, HCS_OPERATION operation, PCWSTR propertyQuery)}. */
    int HcsGetProcessProperties(HANDLE process, HANDLE operation, WString propertyQuery);

    /** {@code HRESULT HcsModifyProcess(HCS_PROCESS process, HCS_OPERATION operation, PCWSTR settings)}. */
    int HcsModifyProcess(HANDLE process, HANDLE operation, WString settings);

    /** {@code HRESULT HcsSignalProcess(HCS_PROCESS process, HCS_OPERATION operation, PCWSTR options)}. */
    int HcsSignalProcess(HANDLE process, HANDLE operation, WString options);

    /** {@code HRESULT HcsTerminateProcess(HCS_PROCESS process, HCS_OPERATION operation, PCWSTR options)}. */
    int HcsTerminateProcess(HANDLE process, HANDLE operation, WString options);

    /** {@code HRESULT HcsWaitForProcessExit(HCS_PROCESS process, DWORD timeoutMs, PWSTR* result)}; Windows 10 2104 / Server 2022 and later. */
    int HcsWaitForProcessExit(HANDLE process, int timeoutMs, PointerByReference result);

    /** {@code HRESULT HcsSetProcessCallback(HCS_PROCESS process, HCS_EVENT_OPTIONS callbackOptions, void* context, HCS_EVENT_CALLBACK callback)}. */
    int HcsSetProcessCallback(HANDLE process, int callbackOptions, Pointer context, HCS_EVENT_CALLBACK callback);

    /** {@code void HcsCloseProcess(HCS_PROCESS process)}. */
    void HcsCloseProcess(HANDLE process);
}
