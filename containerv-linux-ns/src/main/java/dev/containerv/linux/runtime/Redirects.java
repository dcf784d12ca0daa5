package dev.containerv.linux.runtime;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The redirects of a spawn that the JVM serves: {@code /dev/null} needs nothing (the init gives the program its
 * own {@code /dev/null}); INHERIT and files are opened here and pumped to or from the program's stream
 * connection. The JVM's own stdin, stdout and stderr are never closed.
 */
final class Redirects {
    private static final System.Logger LOG = System.getLogger(Redirects.class.getName());

    private Redirects() {
    }

    /** {@code Redirect.DISCARD} or a read from {@code /dev/null}: the program gets the init's {@code /dev/null}. */
    static boolean isNull(Redirect r) {
        return r.file() != null && r.file().getPath().equals("/dev/null") && r.type() != Redirect.Type.APPEND;
    }

    /** Where stdin is pumped from, or {@code null} for PIPE and {@code /dev/null}. */
    static InputStream inputSource(Redirect r, String op, String id) {
        if (r.type() == Redirect.Type.PIPE || isNull(r)) {
            return null;
        }
        if (r.type() == Redirect.Type.INHERIT) {
            return new FileInputStream(FileDescriptor.in) {
                @Override
                public void close() {
                    // never close the JVM's own stdin: the pump closes what it reads from
                }
            };
        }
        try {
            return new FileInputStream(r.file());
        } catch (FileNotFoundException e) {
            throw ContainerException.builder(r.file().exists() ? ErrorKind.PERMISSION_DENIED : ErrorKind.NOT_FOUND,
                    "cannot read standard input from " + r.file() + ": " + e.getMessage()).operation(op).containerId(id).cause(e).build();
        }
    }

    /** Where an output is pumped to, or {@code null} for PIPE and {@code /dev/null}. */
    static OutputStream outputSink(Redirect r, FileDescriptor inherit, String op, String id) {
        if (r.type() == Redirect.Type.PIPE || isNull(r)) {
            return null;
        }
        if (r.type() == Redirect.Type.INHERIT) {
            return new FileOutputStream(inherit) {
                @Override
                public void close() {
                    // never close the JVM's own stdout/stderr
                }
            };
        }
        try {
            return new FileOutputStream(r.file(), r.type() == Redirect.Type.APPEND);
        } catch (FileNotFoundException e) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "cannot write output to " + r.file() + ": " + e.getMessage())
                    .operation(op).containerId(id).cause(e).build();
        }
    }

    /** Copies {@code in} to {@code out} on the pool; closes {@code in}, and {@code out} unless it is the JVM's own. */
    static CompletableFuture<Void> pump(InputStream in, OutputStream out, boolean closeOut, ExecutorService pool, String id) {
        return CompletableFuture.runAsync(() -> {
            try (InputStream i = in) {
                i.transferTo(out);
                out.flush();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "stream pump of container " + id + " ended: " + e);
            } finally {
                try {
                    if (closeOut || !(out instanceof FileOutputStream f && isStd(f))) {
                        out.close();
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, () -> "closing pumped stream: " + e);
                }
            }
        }, pool);
    }

    private static boolean isStd(FileOutputStream f) {
        try {
            FileDescriptor fd = f.getFD();
            return fd == FileDescriptor.out || fd == FileDescriptor.err;
        } catch (IOException e) {
            return false;
        }
    }
}
