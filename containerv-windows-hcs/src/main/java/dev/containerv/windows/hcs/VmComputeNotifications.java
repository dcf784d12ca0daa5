package dev.containerv.windows.hcs;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import dev.containerv.windows.jna.HcsTypes.HCS_NOTIFICATION_CALLBACK;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The notifications vmcompute.dll delivers for one compute system, through the callback registered with
 * {@code HcsRegisterComputeSystemCallback} (hcsshim's {@code internal/hcs/callback.go}). A call answered with
 * HCS_E_PENDING completes with a notification of its own type carrying the call's real HRESULT; a system that
 * exits, or a service that disconnects, while the call is pending fails it. Notifications are kept, so one
 * that arrives before the wait starts is not lost. The callback object is held here for as long as the
 * registration lives (JNA frees a callback whose Java object was collected).
 */
final class VmComputeNotifications {
    /** {@code hcsNotificationSystemExited}. */
    static final int SYSTEM_EXITED = 0x00000001;
    /** {@code hcsNotificationSystemCreateCompleted}. */
    static final int SYSTEM_CREATE_COMPLETED = 0x00000002;
    /** {@code hcsNotificationSystemStartCompleted}. */
    static final int SYSTEM_START_COMPLETED = 0x00000003;
    /** {@code hcsNotificationServiceDisconnect}. */
    static final int SERVICE_DISCONNECT = 0x01000000;

    private record Notification(int type, int status, String data) {
    }

    private final String systemId;
    private final List<Notification> received = new ArrayList<>();
    private final HCS_NOTIFICATION_CALLBACK callback = this::deliver;

    VmComputeNotifications(String systemId) {
        this.systemId = systemId;
    }

    /** What is registered with vmcompute. */
    HCS_NOTIFICATION_CALLBACK callback() {
        return callback;
    }

    private synchronized void deliver(int type, Pointer context, int status, WString data) {
        received.add(new Notification(type, status, data == null ? null : data.toString()));
        notifyAll();
    }

    /**
     * Waits for the notification of type {@code expected} that completes a pending {@code call}.
     *
     * @throws HcsException with the notification's HRESULT and document if the call failed; HCS_E_UNEXPECTED_EXIT if
     *                      the system exited first; HCS_E_SERVICE_DISCONNECT; HCS_E_OPERATION_TIMEOUT after {@code timeout}
     */
    synchronized void await(int expected, String call, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Notification n : received) {
                if (n.type() == expected) {
                    received.remove(n);
                    if (HResult.failed(n.status())) {
                        throw HcsException.fromResult(call, n.status(), n.data());
                    }
                    return;
                }
            }
            for (Notification n : received) {
                if (n.type() == SYSTEM_EXITED) {
                    throw new HcsException(call, HResult.HCS_E_UNEXPECTED_EXIT, "the compute system " + systemId + " exited while the call was pending"
                            + (HResult.failed(n.status()) ? " (" + HResult.describe(n.status()) + ")" : "") + (n.data() == null ? "" : ": " + n.data()));
                }
                if (n.type() == SERVICE_DISCONNECT) {
                    throw new HcsException(call, HResult.HCS_E_SERVICE_DISCONNECT, "while the call was pending on " + systemId);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new HcsException(call, HResult.HCS_E_OPERATION_TIMEOUT, "no completion notification for " + systemId + " within " + timeout.toMillis() + " ms");
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HcsException(call, HResult.fromWin32(HResult.ERROR_CANCELLED), "interrupted while waiting for the completion notification");
            }
        }
    }

    /** Whether vmcompute reported the system exited. */
    synchronized boolean exited() {
        return received.stream().anyMatch(n -> n.type() == SYSTEM_EXITED);
    }
}
