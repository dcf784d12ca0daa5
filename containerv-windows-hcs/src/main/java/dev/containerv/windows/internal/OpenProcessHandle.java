package dev.containerv.windows.internal;

import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsProcess;
import dev.containerv.windows.schema.CloseHandle;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.ProcessModifyRequest;

import java.util.function.Consumer;

/**
 * The {@code HCS_PROCESS} handle of one container process, shared by the process object and its stdin: a call
 * runs only while the handle is open (never on a closed, possibly reused handle), and the handle is closed once.
 */
final class OpenProcessHandle {
    private static final String CLOSE_STDIN = Json.write(new ProcessModifyRequest("CloseHandle", new CloseHandle("StdIn")));

    private final HcsApi hcs;
    private final HcsProcess process;
    private boolean closed;

    OpenProcessHandle(HcsApi hcs, HcsProcess process) {
        this.hcs = hcs;
        this.process = process;
    }

    HcsProcess process() {
        return process;
    }

    /** Runs {@code call} with the handle, holding it open meanwhile; {@code false} if it was closed already. */
    synchronized boolean ifOpen(Consumer<HcsProcess> call) {
        if (closed) {
            return false;
        }
        call.accept(process);
        return true;
    }

    /**
     * Tells HCS the process's stdin ended ({@code HcsModifyProcess} CloseHandle StdIn, as hcsshim does before
     * closing its end of the pipe): closing the host's end alone does not always reach the process.
     *
     * @throws HcsException if HCS refused (the process ended, say)
     */
    void closeStdin() {
        ifOpen(p -> hcs.modifyProcess(p, CLOSE_STDIN));
    }

    /** HcsCloseProcess, once. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        hcs.closeProcess(process);
    }
}
