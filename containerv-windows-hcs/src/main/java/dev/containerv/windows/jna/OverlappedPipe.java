package dev.containerv.windows.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;

import java.io.IOException;
import java.lang.ref.Reference;

/**
 * One end of an overlapped pipe HCS handed out: the handle, one manual-reset event, and the native memory of
 * its data buffer and its {@code OVERLAPPED}, which live as long as this object, so the kernel never
 * completes an I/O into memory that was freed or moved. One I/O at a time (the caller serialises them).
 *
 * <p>{@link #close()} never waits for the I/O in flight: it takes only the small state lock, asks
 * {@code CancelIoEx} to end the pending I/O (whose thread then sees ERROR_OPERATION_ABORTED), and leaves
 * closing the handle and the event to that thread once the kernel reported the I/O complete. With no I/O in
 * flight it closes them itself.
 */
final class OverlappedPipe {
    /** The most one ReadFile/WriteFile moves. */
    static final int CHUNK = 65536;
    /** {@code OVERLAPPED}: Internal, InternalHigh (ULONG_PTR each), Offset, OffsetHigh (DWORD each), hEvent. */
    static final int INTERNAL_HIGH_OFFSET = Native.POINTER_SIZE;
    static final int HEVENT_OFFSET = 2 * Native.POINTER_SIZE + 8;
    static final int OVERLAPPED_SIZE = HEVENT_OFFSET + Native.POINTER_SIZE;

    private final OverlappedIo io;
    private final HANDLE handle;
    private final Memory buffer = new Memory(CHUNK);
    private final Memory overlapped = new Memory(OVERLAPPED_SIZE);
    private final Object state = new Object();
    private HANDLE event;
    private boolean closed;
    private boolean inFlight;
    private boolean released;

    OverlappedPipe(OverlappedIo io, HANDLE handle) {
        this.io = io;
        this.handle = handle;
    }

    /** The native data buffer ({@link #CHUNK} bytes): read from after {@link #read}, written to before {@link #write}. */
    Memory buffer() {
        return buffer;
    }

    /** Reads up to {@code len} bytes into {@link #buffer()}: the count, or -1 at the end of the stream. */
    int read(int len) throws IOException {
        int n = transfer(false, len);
        return n <= 0 ? -1 : n;
    }

    /** Writes the first {@code len} bytes of {@link #buffer()}: the count the pipe took. */
    int write(int len) throws IOException {
        return transfer(true, len);
    }

    private int transfer(boolean write, int len) throws IOException {
        synchronized (state) {
            if (closed) {
                throw new IOException("stream closed");
            }
            if (event == null) {
                event = io.CreateEventW(null, true, false, null);
                if (event == null) {
                    throw new IOException("CreateEventW for a container pipe failed: Win32 error " + io.GetLastError());
                }
            }
            inFlight = true;
        }
        try {
            overlapped.clear();
            overlapped.setPointer(HEVENT_OFFSET, event.getPointer());
            boolean done = write ? io.WriteFile(handle, buffer, len, null, overlapped) : io.ReadFile(handle, buffer, len, null, overlapped);
            if (!done) {
                int error = io.GetLastError();
                if (error != OverlappedIo.ERROR_IO_PENDING) {
                    return failed(write ? "WriteFile" : "ReadFile", error, write);
                }
            }
            // Completed now or later: the count is the kernel's, read only once the I/O is complete.
            IntByReference transferred = new IntByReference();
            if (!io.GetOverlappedResult(handle, overlapped, transferred, true)) {
                return failed("GetOverlappedResult", io.GetLastError(), write);
            }
            return transferred.getValue();
        } finally {
            synchronized (state) {
                inFlight = false;
                if (closed) {
                    release();
                }
            }
            Reference.reachabilityFence(this);
        }
    }

    private int failed(String call, int error, boolean write) throws IOException {
        synchronized (state) {
            if (closed && error == OverlappedIo.ERROR_OPERATION_ABORTED) {
                throw new IOException("stream closed");
            }
        }
        if (!write && (error == OverlappedIo.ERROR_BROKEN_PIPE || error == OverlappedIo.ERROR_HANDLE_EOF)) {
            return -1;
        }
        boolean gone = error == OverlappedIo.ERROR_BROKEN_PIPE || error == OverlappedIo.ERROR_NO_DATA;
        throw new IOException(call + " on a container pipe failed: Win32 error " + error
                + (write && gone ? " (the process closed its standard input)" : ""));
    }

    /** Cancels the I/O in flight (its thread closes the handle when it completes), else closes the handle now. */
    void close() {
        synchronized (state) {
            if (closed) {
                return;
            }
            closed = true;
            if (inFlight) {
                io.CancelIoEx(handle, null);
            } else {
                release();
            }
        }
    }

    private void release() {
        if (released) {
            return;
        }
        released = true;
        io.CloseHandle(handle);
        if (event != null) {
            io.CloseHandle(event);
        }
    }
}
