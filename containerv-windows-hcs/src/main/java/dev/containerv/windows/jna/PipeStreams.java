package dev.containerv.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;

import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Java streams over the std pipes HCS hands out in {@code HCS_PROCESS_INFORMATION}. hcsshim treats them as
 * overlapped handles, so every ReadFile/WriteFile gets an OVERLAPPED with its own event and is completed
 * with GetOverlappedResult; a broken pipe is the end of the stream. Each stream closes its handle.
 */
public final class PipeStreams {
    private static final int ERROR_HANDLE_EOF = 38;
    private static final int BROKEN_PIPE = 109;
    private static final int NO_DATA = 232;
    private static final int IO_PENDING = 997;

    private PipeStreams() {
    }

    /** {@code true} if HCS gave no pipe (NULL or INVALID_HANDLE_VALUE). */
    public static boolean absent(HANDLE h) {
        return h == null || h.getPointer() == null || WinBase.INVALID_HANDLE_VALUE.equals(h);
    }

    /** A stream reading the pipe; an absent pipe gives an empty stream. */
    public static InputStream input(HANDLE h) {
        return absent(h) ? InputStream.nullInputStream() : new PipeInput(h);
    }

    /** A stream writing the pipe; an absent pipe gives a stream that discards. */
    public static OutputStream output(HANDLE h) {
        return absent(h) ? OutputStream.nullOutputStream() : new PipeOutput(h);
    }

    private static WinBase.OVERLAPPED overlapped() {
        WinBase.OVERLAPPED ov = new WinBase.OVERLAPPED();
        ov.hEvent = Kernel32.INSTANCE.CreateEvent(null, true, false, null);
        if (ov.hEvent == null) {
            throw new IllegalStateException("CreateEvent failed: Win32 error " + Kernel32.INSTANCE.GetLastError());
        }
        return ov;
    }

    private static final class PipeInput extends InputStream {
        private final HANDLE handle;
        private boolean closed;

        PipeInput(HANDLE handle) {
            this.handle = handle;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            byte[] buf = new byte[Math.min(len, 65536)];
            WinBase.OVERLAPPED ov = overlapped();
            try {
                IntByReference read = new IntByReference();
                if (!Kernel32.INSTANCE.ReadFile(handle, buf, buf.length, read, ov)) {
                    int error = Kernel32.INSTANCE.GetLastError();
                    if (error == BROKEN_PIPE || error == ERROR_HANDLE_EOF) {
                        return -1;
                    }
                    if (error != IO_PENDING) {
                        throw new IOException("ReadFile on a container pipe failed: Win32 error " + error);
                    }
                    if (!Natives.kernel32Extras().GetOverlappedResult(handle, ov, read, true)) {
                        int e2 = Kernel32.INSTANCE.GetLastError();
                        if (e2 == BROKEN_PIPE || e2 == ERROR_HANDLE_EOF) {
                            return -1;
                        }
                        throw new IOException("GetOverlappedResult on a container pipe failed: Win32 error " + e2);
                    }
                }
                int n = read.getValue();
                if (n == 0) {
                    return -1;
                }
                System.arraycopy(buf, 0, b, off, n);
                return n;
            } finally {
                Kernel32.INSTANCE.CloseHandle(ov.hEvent);
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                Kernel32.INSTANCE.CloseHandle(handle);
            }
        }
    }

    private static final class PipeOutput extends OutputStream {
        private final HANDLE handle;
        private boolean closed;

        PipeOutput(HANDLE handle) {
            this.handle = handle;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            int done = 0;
            while (done < len) {
                int chunk = Math.min(len - done, 65536);
                byte[] buf = new byte[chunk];
                System.arraycopy(b, off + done, buf, 0, chunk);
                WinBase.OVERLAPPED ov = overlapped();
                try {
                    IntByReference written = new IntByReference();
                    if (!Kernel32.INSTANCE.WriteFile(handle, buf, chunk, written, ov)) {
                        int error = Kernel32.INSTANCE.GetLastError();
                        if (error != IO_PENDING || !Natives.kernel32Extras().GetOverlappedResult(handle, ov, written, true)) {
                            int e = error == IO_PENDING ? Kernel32.INSTANCE.GetLastError() : error;
                            throw new IOException("WriteFile on a container pipe failed: Win32 error " + e
                                    + (e == BROKEN_PIPE || e == NO_DATA ? " (the process closed its standard input)" : ""));
                        }
                    }
                    done += written.getValue();
                } finally {
                    Kernel32.INSTANCE.CloseHandle(ov.hEvent);
                }
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                Kernel32.INSTANCE.CloseHandle(handle);
            }
        }
    }

    /** The raw value of a handle, for logs. */
    public static long value(HANDLE h) {
        return h == null ? 0 : Pointer.nativeValue(h.getPointer());
    }
}
