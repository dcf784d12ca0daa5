package dev.containerv.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Java streams over the std pipes HCS hands out in {@code HCS_PROCESS_INFORMATION}. hcsshim treats them as
 * overlapped handles: every ReadFile/WriteFile goes through an {@link OverlappedPipe} (native buffer and
 * OVERLAPPED held until the kernel completed the I/O) and is completed with GetOverlappedResult; a broken pipe
 * is the end of the stream. {@code close()} does not wait for a blocked read or write: it cancels it
 * (CancelIoEx), so a pump blocked on a pipe a background process holds open ends. Each stream closes its handle.
 */
public final class PipeStreams {
    private PipeStreams() {
    }

    /** {@code true} if HCS gave no pipe (NULL or INVALID_HANDLE_VALUE). */
    public static boolean absent(HANDLE h) {
        return h == null || h.getPointer() == null || WinBase.INVALID_HANDLE_VALUE.equals(h);
    }

    /** A stream reading the pipe through {@code io}; an absent pipe gives an empty stream. */
    public static InputStream input(OverlappedIo io, HANDLE h) {
        return absent(h) ? InputStream.nullInputStream() : new PipeInput(new OverlappedPipe(io, h));
    }

    /** A stream writing the pipe through {@code io}; an absent pipe gives a stream that discards. */
    public static OutputStream output(OverlappedIo io, HANDLE h) {
        return absent(h) ? OutputStream.nullOutputStream() : new PipeOutput(new OverlappedPipe(io, h));
    }

    private static final class PipeInput extends InputStream {
        private final OverlappedPipe pipe;
        private final Object readLock = new Object();

        PipeInput(OverlappedPipe pipe) {
            this.pipe = pipe;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            synchronized (readLock) {
                int n = pipe.read(Math.min(len, OverlappedPipe.CHUNK));
                if (n > 0) {
                    pipe.buffer().read(0, b, off, n);
                }
                return n;
            }
        }

        /** Never takes the read lock: a read blocked in the kernel is cancelled, not waited for. */
        @Override
        public void close() {
            pipe.close();
        }
    }

    private static final class PipeOutput extends OutputStream {
        private final OverlappedPipe pipe;
        private final Object writeLock = new Object();

        PipeOutput(OverlappedPipe pipe) {
            this.pipe = pipe;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            synchronized (writeLock) {
                int done = 0;
                while (done < len) {
                    int chunk = Math.min(len - done, OverlappedPipe.CHUNK);
                    pipe.buffer().write(0, b, off + done, chunk);
                    int written = pipe.write(chunk);
                    if (written <= 0) {
                        throw new IOException("WriteFile on a container pipe took no bytes");
                    }
                    done += written;
                }
            }
        }

        /** Never takes the write lock: a write blocked on a full pipe is cancelled, not waited for. */
        @Override
        public void close() {
            pipe.close();
        }
    }

    /** The raw value of a handle, for logs. */
    public static long value(HANDLE h) {
        return h == null ? 0 : Pointer.nativeValue(h.getPointer());
    }
}
