package dev.containerv.windows.internal;

import dev.containerv.windows.hcs.HcsException;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The host's end of a container process's stdin. Closing it signals the end of input the way HCS expects:
 * flush, {@code HcsModifyProcess} CloseHandle StdIn, then close the pipe.
 */
final class ContainerStdin extends OutputStream {
    private static final System.Logger LOG = System.getLogger(ContainerStdin.class.getName());

    private final OutputStream pipe;
    private final OpenProcessHandle handle;
    private boolean closed;

    ContainerStdin(OutputStream pipe, OpenProcessHandle handle) {
        this.pipe = pipe;
        this.handle = handle;
    }

    @Override
    public void write(int b) throws IOException {
        pipe.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        pipe.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        pipe.flush();
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            pipe.flush();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "flushing stdin before its close: " + e);
        }
        try {
            handle.closeStdin();
        } catch (HcsException e) {
            // The process ended or closed its stdin: there is no input left to end.
            LOG.log(System.Logger.Level.DEBUG, () -> "HcsModifyProcess CloseHandle StdIn: " + e.getMessage());
        } finally {
            pipe.close();
        }
    }
}
