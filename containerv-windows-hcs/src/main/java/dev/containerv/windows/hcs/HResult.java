package dev.containerv.windows.hcs;

import dev.containerv.api.ErrorKind;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HRESULTs HCS, HCN and the Win32 layer underneath return, each with its name, what it means for a
 * containerv user, and the {@link ErrorKind} it maps to. Values come from the MicrosoftDocs HCS and HCN
 * HRESULT references and winerror.h; the legacy vmcompute.dll returns 0xC037xxxx twins of some HCS codes,
 * listed here as well.
 */
public final class HResult {
    /** S_OK. */
    public static final int S_OK = 0;
    /** E_NOTIMPL: HcsCancelOperation answers it. */
    public static final int E_NOTIMPL = 0x80004001;
    /** E_INVALIDARG. */
    public static final int E_INVALIDARG = 0x80070057;
    /** E_OUTOFMEMORY. */
    public static final int E_OUTOFMEMORY = 0x8007000E;
    /** E_FAIL. */
    public static final int E_FAIL = 0x80004005;

    public static final int HCS_E_TERMINATED_DURING_START = 0x80370100;
    public static final int HCS_E_IMAGE_MISMATCH = 0x80370101;
    public static final int HCS_E_HYPERV_NOT_INSTALLED = 0x80370102;
    public static final int HCS_E_INVALID_STATE = 0x80370105;
    public static final int HCS_E_UNEXPECTED_EXIT = 0x80370106;
    public static final int HCS_E_TERMINATED = 0x80370107;
    public static final int HCS_E_CONNECT_FAILED = 0x80370108;
    public static final int HCS_E_CONNECTION_TIMEOUT = 0x80370109;
    public static final int HCS_E_CONNECTION_CLOSED = 0x8037010A;
    public static final int HCS_E_UNKNOWN_MESSAGE = 0x8037010B;
    public static final int HCS_E_UNSUPPORTED_PROTOCOL_VERSION = 0x8037010C;
    public static final int HCS_E_INVALID_JSON = 0x8037010D;
    public static final int HCS_E_SYSTEM_NOT_FOUND = 0x8037010E;
    public static final int HCS_E_SYSTEM_ALREADY_EXISTS = 0x8037010F;
    public static final int HCS_E_SYSTEM_ALREADY_STOPPED = 0x80370110;
    public static final int HCS_E_PROTOCOL_ERROR = 0x80370111;
    public static final int HCS_E_INVALID_LAYER = 0x80370112;
    public static final int HCS_E_WINDOWS_INSIDER_REQUIRED = 0x80370113;
    public static final int HCS_E_SERVICE_NOT_AVAILABLE = 0x80370114;
    public static final int HCS_E_OPERATION_NOT_STARTED = 0x80370115;
    public static final int HCS_E_OPERATION_ALREADY_STARTED = 0x80370116;
    public static final int HCS_E_OPERATION_PENDING = 0x80370117;
    public static final int HCS_E_OPERATION_TIMEOUT = 0x80370118;
    public static final int HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET = 0x80370119;
    public static final int HCS_E_OPERATION_RESULT_ALLOCATION_FAILED = 0x8037011A;
    public static final int HCS_E_ACCESS_DENIED = 0x8037011B;
    public static final int HCS_E_GUEST_CRITICAL_ERROR = 0x8037011C;
    public static final int HCS_E_PROCESS_INFO_NOT_AVAILABLE = 0x8037011D;
    public static final int HCS_E_SERVICE_DISCONNECT = 0x8037011E;
    public static final int HCS_E_PROCESS_ALREADY_STOPPED = 0x8037011F;

    /** vmcompute.dll: the call was accepted and completes on the registered callback. */
    public static final int HCS_LEGACY_PENDING = 0xC0370103;
    public static final int HCS_LEGACY_INVALID_STATE = 0xC0370105;
    public static final int HCS_LEGACY_UNEXPECTED_EXIT = 0xC0370106;
    public static final int HCS_LEGACY_UNKNOWN_MESSAGE = 0xC037010B;
    public static final int HCS_LEGACY_INVALID_JSON = 0xC037010D;
    public static final int HCS_LEGACY_SYSTEM_NOT_FOUND = 0xC037010E;
    public static final int HCS_LEGACY_SYSTEM_ALREADY_STOPPED = 0xC0370110;

    public static final int HCN_E_NETWORK_NOT_FOUND = 0x803B0001;
    public static final int HCN_E_ENDPOINT_NOT_FOUND = 0x803B0002;
    public static final int HCN_E_SWITCH_NOT_FOUND = 0x803B0004;
    public static final int HCN_E_SUBNET_NOT_FOUND = 0x803B0005;
    public static final int HCN_E_INVALID_NETWORK = 0x803B000A;
    public static final int HCN_E_INVALID_ENDPOINT = 0x803B000C;
    public static final int HCN_E_NETWORK_ALREADY_EXISTS = 0x803B0010;
    public static final int HCN_E_ENDPOINT_ALREADY_ATTACHED = 0x803B0014;
    public static final int HCN_E_REQUEST_UNSUPPORTED = 0x803B0015;
    public static final int HCN_E_INVALID_JSON = 0x803B001B;
    public static final int HCN_E_INVALID_IP = 0x803B001E;

    public static final int ERROR_FILE_NOT_FOUND = 2;
    public static final int ERROR_PATH_NOT_FOUND = 3;
    public static final int ERROR_ACCESS_DENIED = 5;
    public static final int ERROR_INVALID_HANDLE = 6;
    public static final int ERROR_INVALID_DATA = 0xD;
    public static final int ERROR_NOT_READY = 0x15;
    public static final int ERROR_NOT_SUPPORTED = 0x32;
    public static final int ERROR_INVALID_PARAMETER = 0x57;
    public static final int ERROR_MOD_NOT_FOUND = 0x7E;
    public static final int ERROR_PROC_NOT_FOUND = 0x7F;
    public static final int ERROR_ALREADY_EXISTS = 0xB7;
    public static final int ERROR_SERVICE_NOT_ACTIVE = 0x426;
    public static final int ERROR_DEVICE_NOT_CONNECTED = 0x48F;
    public static final int ERROR_ELEMENT_NOT_FOUND = 0x490;
    public static final int ERROR_NOT_ENOUGH_QUOTA = 0x718;
    /** The operation was cancelled by the user (what an interrupted wait reports). */
    public static final int ERROR_CANCELLED = 0x4C7;

    /** What one code means. */
    public record Info(int code, String name, String explanation, ErrorKind kind) {
    }

    private static final Map<Integer, Info> CODES = new HashMap<>();

    static {
        hcs(HCS_E_TERMINATED_DURING_START, "HCS_E_TERMINATED_DURING_START", "the compute system was terminated while it was starting", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_IMAGE_MISMATCH, "HCS_E_IMAGE_MISMATCH", "the container image's OS build does not match the host's; process isolation needs the same build, use Hyper-V isolation or a matching image", ErrorKind.NOT_SUPPORTED);
        hcs(HCS_E_HYPERV_NOT_INSTALLED, "HCS_E_HYPERV_NOT_INSTALLED", "Hyper-V is not installed or not enabled on this host (enable the Hyper-V and Containers features)", ErrorKind.NOT_SUPPORTED);
        hcs(HCS_E_INVALID_STATE, "HCS_E_INVALID_STATE", "the compute system is not in a state that allows this operation", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_UNEXPECTED_EXIT, "HCS_E_UNEXPECTED_EXIT", "the compute system exited unexpectedly", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_TERMINATED, "HCS_E_TERMINATED", "the compute system was forcefully terminated", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_CONNECT_FAILED, "HCS_E_CONNECT_FAILED", "HCS could not connect to the compute system's guest", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_CONNECTION_TIMEOUT, "HCS_E_CONNECTION_TIMEOUT", "the connection to the compute system's guest timed out", ErrorKind.TIMEOUT);
        hcs(HCS_E_CONNECTION_CLOSED, "HCS_E_CONNECTION_CLOSED", "the connection to the compute system's guest was closed", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_UNKNOWN_MESSAGE, "HCS_E_UNKNOWN_MESSAGE", "the guest did not understand a message from HCS", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_UNSUPPORTED_PROTOCOL_VERSION, "HCS_E_UNSUPPORTED_PROTOCOL_VERSION", "the guest speaks a protocol version HCS does not support", ErrorKind.NOT_SUPPORTED);
        hcs(HCS_E_INVALID_JSON, "HCS_E_INVALID_JSON", "HCS rejected the JSON document (a key or value this Windows build does not accept)", ErrorKind.INVALID_SPEC);
        hcs(HCS_E_SYSTEM_NOT_FOUND, "HCS_E_SYSTEM_NOT_FOUND", "no compute system with that id exists", ErrorKind.NOT_FOUND);
        hcs(HCS_E_SYSTEM_ALREADY_EXISTS, "HCS_E_SYSTEM_ALREADY_EXISTS", "a compute system with that id exists already", ErrorKind.ALREADY_EXISTS);
        hcs(HCS_E_SYSTEM_ALREADY_STOPPED, "HCS_E_SYSTEM_ALREADY_STOPPED", "the compute system has stopped already", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_PROTOCOL_ERROR, "HCS_E_PROTOCOL_ERROR", "the guest broke the HCS protocol", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_INVALID_LAYER, "HCS_E_INVALID_LAYER", "a storage layer is not a valid container layer (check the rootfs folder and its layerchain.json)", ErrorKind.INVALID_SPEC);
        hcs(HCS_E_WINDOWS_INSIDER_REQUIRED, "HCS_E_WINDOWS_INSIDER_REQUIRED", "this feature needs a Windows Insider build", ErrorKind.NOT_SUPPORTED);
        hcs(HCS_E_SERVICE_NOT_AVAILABLE, "HCS_E_SERVICE_NOT_AVAILABLE", "the Host Compute Service is not available: enable the Containers feature (and Hyper-V for Hyper-V isolation)", ErrorKind.NOT_SUPPORTED);
        hcs(HCS_E_OPERATION_NOT_STARTED, "HCS_E_OPERATION_NOT_STARTED", "the operation was never started", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_OPERATION_ALREADY_STARTED, "HCS_E_OPERATION_ALREADY_STARTED", "the operation handle is in use by another call", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_OPERATION_PENDING, "HCS_E_OPERATION_PENDING", "the operation is still running", ErrorKind.TIMEOUT);
        hcs(HCS_E_OPERATION_TIMEOUT, "HCS_E_OPERATION_TIMEOUT", "the operation did not finish in time (it goes on in HCS)", ErrorKind.TIMEOUT);
        hcs(HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET, "HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET", "a system callback is set, so per-operation callbacks are refused", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_OPERATION_RESULT_ALLOCATION_FAILED, "HCS_E_OPERATION_RESULT_ALLOCATION_FAILED", "HCS could not allocate the result document", ErrorKind.RESOURCE_LIMIT);
        hcs(HCS_E_ACCESS_DENIED, "HCS_E_ACCESS_DENIED", "access denied: run as a member of Administrators or Hyper-V Administrators", ErrorKind.PERMISSION_DENIED);
        hcs(HCS_E_GUEST_CRITICAL_ERROR, "HCS_E_GUEST_CRITICAL_ERROR", "the guest reported a critical error", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_PROCESS_INFO_NOT_AVAILABLE, "HCS_E_PROCESS_INFO_NOT_AVAILABLE", "the process information is not available", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_SERVICE_DISCONNECT, "HCS_E_SERVICE_DISCONNECT", "the Host Compute Service disconnected (was vmcompute restarted?)", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_E_PROCESS_ALREADY_STOPPED, "HCS_E_PROCESS_ALREADY_STOPPED", "the process has exited already", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_LEGACY_PENDING, "HCS_E_PENDING (vmcompute)", "the call was accepted and completes later", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_LEGACY_INVALID_STATE, "HCS_E_INVALID_STATE (vmcompute)", "the compute system is not in a state that allows this operation", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_LEGACY_UNEXPECTED_EXIT, "HCS_E_UNEXPECTED_EXIT (vmcompute)", "the compute system exited unexpectedly", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_LEGACY_UNKNOWN_MESSAGE, "HCS_E_UNKNOWN_MESSAGE (vmcompute)", "the guest did not understand a message from HCS", ErrorKind.PLATFORM_FAILURE);
        hcs(HCS_LEGACY_INVALID_JSON, "HCS_E_INVALID_JSON (vmcompute)", "HCS rejected the JSON document", ErrorKind.INVALID_SPEC);
        hcs(HCS_LEGACY_SYSTEM_NOT_FOUND, "HCS_E_SYSTEM_NOT_FOUND (vmcompute)", "no compute system with that id exists", ErrorKind.NOT_FOUND);
        hcs(HCS_LEGACY_SYSTEM_ALREADY_STOPPED, "HCS_E_SYSTEM_ALREADY_STOPPED (vmcompute)", "the compute system has stopped already", ErrorKind.PLATFORM_FAILURE);

        hcs(HCN_E_NETWORK_NOT_FOUND, "HCN_E_NETWORK_NOT_FOUND", "the HNS network does not exist", ErrorKind.NOT_FOUND);
        hcs(HCN_E_ENDPOINT_NOT_FOUND, "HCN_E_ENDPOINT_NOT_FOUND", "the HNS endpoint does not exist", ErrorKind.NOT_FOUND);
        hcs(HCN_E_SWITCH_NOT_FOUND, "HCN_E_SWITCH_NOT_FOUND", "the virtual switch does not exist (see Get-VMSwitch)", ErrorKind.NOT_FOUND);
        hcs(HCN_E_SUBNET_NOT_FOUND, "HCN_E_SUBNET_NOT_FOUND", "the address is in no subnet of the network", ErrorKind.INVALID_SPEC);
        hcs(HCN_E_INVALID_NETWORK, "HCN_E_INVALID_NETWORK", "the network settings are invalid", ErrorKind.INVALID_SPEC);
        hcs(HCN_E_INVALID_ENDPOINT, "HCN_E_INVALID_ENDPOINT", "the endpoint settings are invalid (address outside the network's subnet?)", ErrorKind.INVALID_SPEC);
        hcs(HCN_E_NETWORK_ALREADY_EXISTS, "HCN_E_NETWORK_ALREADY_EXISTS", "an HNS network of that name exists already", ErrorKind.ALREADY_EXISTS);
        hcs(HCN_E_ENDPOINT_ALREADY_ATTACHED, "HCN_E_ENDPOINT_ALREADY_ATTACHED", "the endpoint is attached already", ErrorKind.ALREADY_EXISTS);
        hcs(HCN_E_REQUEST_UNSUPPORTED, "HCN_E_REQUEST_UNSUPPORTED", "HNS on this Windows build does not support the request", ErrorKind.NOT_SUPPORTED);
        hcs(HCN_E_INVALID_JSON, "HCN_E_INVALID_JSON", "HNS rejected the JSON document", ErrorKind.INVALID_SPEC);
        hcs(HCN_E_INVALID_IP, "HCN_E_INVALID_IP", "the static address is not valid for the network (outside its subnet?)", ErrorKind.INVALID_SPEC);

        hcs(E_NOTIMPL, "E_NOTIMPL", "not implemented by this Windows build", ErrorKind.NOT_SUPPORTED);
        hcs(E_INVALIDARG, "E_INVALIDARG", "an argument was rejected", ErrorKind.INVALID_SPEC);
        hcs(E_OUTOFMEMORY, "E_OUTOFMEMORY", "out of memory", ErrorKind.RESOURCE_LIMIT);
        hcs(E_FAIL, "E_FAIL", "unspecified failure", ErrorKind.PLATFORM_FAILURE);

        win32(ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND", "a file was not found", ErrorKind.NOT_FOUND);
        win32(ERROR_PATH_NOT_FOUND, "ERROR_PATH_NOT_FOUND", "a path was not found", ErrorKind.NOT_FOUND);
        win32(ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED", "access denied: the process is not elevated (run as Administrator)", ErrorKind.PERMISSION_DENIED);
        win32(ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE", "the handle is invalid (closed already)", ErrorKind.PLATFORM_FAILURE);
        win32(ERROR_INVALID_DATA, "ERROR_INVALID_DATA", "the request was not understood", ErrorKind.INVALID_SPEC);
        win32(ERROR_NOT_READY, "ERROR_NOT_READY", "the device is not ready (a layer mount race; retried)", ErrorKind.PLATFORM_FAILURE);
        win32(ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED", "not supported on this host", ErrorKind.NOT_SUPPORTED);
        win32(ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER", "a parameter was rejected", ErrorKind.INVALID_SPEC);
        win32(ERROR_MOD_NOT_FOUND, "ERROR_MOD_NOT_FOUND", "the DLL is not installed: enable the Containers feature", ErrorKind.NOT_SUPPORTED);
        win32(ERROR_PROC_NOT_FOUND, "ERROR_PROC_NOT_FOUND", "the DLL lacks this export: the Windows build is too old", ErrorKind.NOT_SUPPORTED);
        win32(ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS", "it exists already", ErrorKind.ALREADY_EXISTS);
        win32(ERROR_SERVICE_NOT_ACTIVE, "ERROR_SERVICE_NOT_ACTIVE", "the service is not running (start vmcompute: Start-Service vmcompute)", ErrorKind.NOT_SUPPORTED);
        win32(ERROR_DEVICE_NOT_CONNECTED, "ERROR_DEVICE_NOT_CONNECTED", "the device is not connected (a layer mount race; retried)", ErrorKind.PLATFORM_FAILURE);
        win32(ERROR_ELEMENT_NOT_FOUND, "ERROR_ELEMENT_NOT_FOUND", "the element is gone already", ErrorKind.NOT_FOUND);
        win32(ERROR_NOT_ENOUGH_QUOTA, "ERROR_NOT_ENOUGH_QUOTA", "a quota was exceeded (the job object's process limit)", ErrorKind.RESOURCE_LIMIT);
        win32(ERROR_CANCELLED, "ERROR_CANCELLED", "the operation was cancelled (an interrupted wait)", ErrorKind.PLATFORM_FAILURE);
    }

    private HResult() {
    }

    private static void hcs(int code, String name, String explanation, ErrorKind kind) {
        CODES.put(code, new Info(code, name, explanation, kind));
    }

    private static void win32(int error, String name, String explanation, ErrorKind kind) {
        int hr = fromWin32(error);
        CODES.put(hr, new Info(hr, name, explanation, kind));
    }

    /** HRESULT_FROM_WIN32. */
    public static int fromWin32(int error) {
        return error <= 0 ? error : (error & 0x0000FFFF) | 0x80070000;
    }

    /** The Win32 error inside an HRESULT of facility WIN32, or -1. */
    public static int win32Of(int hr) {
        return (hr & 0x1FFF0000) == 0x00070000 ? hr & 0xFFFF : -1;
    }

    /** {@code true} for a failure code (the sign bit). */
    public static boolean failed(int hr) {
        return hr < 0;
    }

    /** What the code means; an unknown code gets a generic description and {@link ErrorKind#PLATFORM_FAILURE}. */
    public static Info info(int hr) {
        Info known = CODES.get(hr);
        if (known != null) {
            return known;
        }
        int win32 = win32Of(hr);
        String name = win32 >= 0 ? "Win32 error " + win32 : "unknown HRESULT";
        return new Info(hr, name, "the platform call failed", ErrorKind.PLATFORM_FAILURE);
    }

    /** {@code HRESULT 0x80370110 HCS_E_SYSTEM_ALREADY_STOPPED}: the code in words, for {@code ContainerException#platformCode}. */
    public static String describe(int hr) {
        return "HRESULT " + hex(hr) + " " + info(hr).name();
    }

    /** The code in the 0x%08X form. */
    public static String hex(int hr) {
        return String.format(Locale.ROOT, "0x%08X", hr);
    }

    /** The compute system or process does not exist (any more). */
    public static boolean isNotExist(int hr) {
        return hr == HCS_E_SYSTEM_NOT_FOUND || hr == HCS_LEGACY_SYSTEM_NOT_FOUND || hr == fromWin32(ERROR_ELEMENT_NOT_FOUND)
                || hr == fromWin32(ERROR_FILE_NOT_FOUND) || hr == fromWin32(ERROR_PATH_NOT_FOUND)
                || hr == HCN_E_ENDPOINT_NOT_FOUND || hr == HCN_E_NETWORK_NOT_FOUND;
    }

    /** The compute system or process has stopped already. */
    public static boolean isAlreadyStopped(int hr) {
        return hr == HCS_E_SYSTEM_ALREADY_STOPPED || hr == HCS_LEGACY_SYSTEM_ALREADY_STOPPED || hr == HCS_E_PROCESS_ALREADY_STOPPED
                || hr == HCS_E_TERMINATED || hr == HCS_E_UNEXPECTED_EXIT || hr == HCS_LEGACY_UNEXPECTED_EXIT;
    }

    /** The host or its Windows build cannot do it. */
    public static boolean isNotSupported(int hr) {
        return info(hr).kind() == ErrorKind.NOT_SUPPORTED;
    }

    /** A transient layer-mount race that hcsshim retries. */
    public static boolean isMountRace(int hr) {
        return hr == fromWin32(ERROR_NOT_READY) || hr == fromWin32(ERROR_DEVICE_NOT_CONNECTED);
    }
}
