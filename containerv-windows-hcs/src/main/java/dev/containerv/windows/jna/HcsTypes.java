package dev.containerv.windows.jna;

import com.sun.jna.Callback;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.win32.StdCallLibrary;

/**
 * Structures and callbacks shared by computecore.dll and vmcompute.dll, as declared in ComputeDefs.h
 * (MicrosoftDocs HCS reference) and hcsshim's {@code internal/computecore/types.go}.
 */
public final class HcsTypes {
    private HcsTypes() {
    }

    /**
     * {@code HCS_PROCESS_INFORMATION}: the process id and the std pipes HCS created for it (NULL or
     * INVALID_HANDLE_VALUE when not requested). The pipes are overlapped handles the caller closes.
     * 32 bytes on x64.
     */
    @Structure.FieldOrder({"ProcessId", "Reserved", "StdInput", "StdOutput", "StdError"})
    public static class HCS_PROCESS_INFORMATION extends Structure {
        public int ProcessId;
        public int Reserved;
        public HANDLE StdInput;
        public HANDLE StdOutput;
        public HANDLE StdError;

        public HCS_PROCESS_INFORMATION() {
        }

        public HCS_PROCESS_INFORMATION(Pointer p) {
            super(p);
            read();
        }

        /** Passed as {@code HCS_PROCESS_INFORMATION*}. */
        public static class ByReference extends HCS_PROCESS_INFORMATION implements Structure.ByReference {
        }
    }

    /** {@code HCS_EVENT}: what an {@link HCS_EVENT_CALLBACK} receives. */
    @Structure.FieldOrder({"Type", "EventData", "Operation"})
    public static class HCS_EVENT extends Structure {
        /** {@code HCS_EVENT_TYPE}: SystemExited 1, ..., ProcessExited 0x10000, OperationCallback 0x1000000. */
        public int Type;
        /** The event's JSON document (SystemExitStatus, ProcessStatus), or NULL. */
        public WString EventData;
        /** The operation, for HcsEventOperationCallback. */
        public HANDLE Operation;

        public HCS_EVENT() {
        }

        public HCS_EVENT(Pointer p) {
            super(p);
            read();
        }
    }

    /** {@code HCS_EVENT_TYPE} values (MicrosoftDocs {@code HCS_EVENT_TYPE.md}). */
    public static final int HcsEventSystemExited = 0x00000001;
    public static final int HcsEventSystemCrashInitiated = 0x00000002;
    public static final int HcsEventSystemCrashReport = 0x00000003;
    public static final int HcsEventSystemRdpEnhancedModeStateChanged = 0x00000004;
    public static final int HcsEventSystemSiloJobCreated = 0x00000005;
    public static final int HcsEventSystemGuestConnectionClosed = 0x00000006;
    public static final int HcsEventProcessExited = 0x00010000;
    public static final int HcsEventOperationCallback = 0x01000000;
    public static final int HcsEventServiceDisconnect = 0x02000000;

    /** {@code HCS_EVENT_OPTIONS} values. */
    public static final int HcsEventOptionNone = 0;
    public static final int HcsEventOptionEnableOperationCallbacks = 1;

    /** {@code HCS_OPERATION_COMPLETION}: {@code void (HCS_OPERATION operation, void* context)}; runs on an HCS pool thread. */
    public interface HCS_OPERATION_COMPLETION extends StdCallLibrary.StdCallCallback {
        void callback(HANDLE operation, Pointer context);
    }

    /** {@code HCS_EVENT_CALLBACK}: {@code void (HCS_EVENT* event, void* context)}; runs on an HCS pool thread. */
    public interface HCS_EVENT_CALLBACK extends StdCallLibrary.StdCallCallback {
        void callback(Pointer event, Pointer context);
    }

    /**
     * vmcompute.dll's notification callback, as hcsshim registers it:
     * {@code void (DWORD notificationType, void* context, HRESULT notificationStatus, PCWSTR notificationData)}.
     */
    public interface HCS_NOTIFICATION_CALLBACK extends StdCallLibrary.StdCallCallback, Callback {
        void callback(int notificationType, Pointer context, int notificationStatus, WString notificationData);
    }
}
