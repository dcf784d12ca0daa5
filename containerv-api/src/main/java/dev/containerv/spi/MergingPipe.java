package dev.containerv.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * A bounded in-memory pipe with several writers and one reader, which sees end of stream once every writer has
 * closed: how {@link StdioRedirects} merges a process's standard error into its standard output. Unlike
 * {@link java.io.PipedInputStream} it does not break when the thread that wrote last has ended. Thread-safe.
 */
final class MergingPipe {
    private final byte[] buffer;
    private int head;
    private int count;
    private int openWriters;
    private boolean readerClosed;

    MergingPipe(int capacity, int writers) {
        this.buffer = new byte[capacity];
        this.openWriters = writers;
    }

    /** The reading end. */
    InputStream source() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return take(b, off, len);
            }

            @Override
            public int available() {
                synchronized (MergingPipe.this) {
                    return count;
                }
            }

            @Override
            public void close() {
                synchronized (MergingPipe.this) {
                    readerClosed = true;
                    MergingPipe.this.notifyAll();
                }
            }
        };
    }

    /** A writing end; there must be as many as the writers given to the constructor, each closed once. */
    OutputStream sink() {
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                put(b, off, len);
            }

            @Override
            public void close() {
                synchronized (MergingPipe.this) {
                    if (!closed) {
                        closed = true;
                        openWriters--;
                        MergingPipe.this.notifyAll();
                    }
                }
            }
        };
    }

    private synchronized int take(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (count == 0 && openWriters > 0 && !readerClosed) {
            await();
        }
        if (readerClosed) {
            throw new IOException("Stream closed");
        }
        if (count == 0) {
            return -1;
        }
        int n = Math.min(len, count);
        for (int i = 0; i < n; i++) {
            b[off + i] = buffer[(head + i) % buffer.length];
        }
        head = (head + n) % buffer.length;
        count -= n;
        notifyAll();
        return n;
    }

    private synchronized void put(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int written = 0;
        while (written < len) {
            while (count == buffer.length && !readerClosed) {
                await();
            }
            if (readerClosed) {
                throw new IOException("Pipe closed: the reader of the merged output went away");
            }
            int n = Math.min(len - written, buffer.length - count);
            for (int i = 0; i < n; i++) {
                buffer[(head + count + i) % buffer.length] = b[off + written + i];
            }
            count += n;
            written += n;
            notifyAll();
        }
    }

    private void await() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on the merged output pipe");
        }
    }
}
