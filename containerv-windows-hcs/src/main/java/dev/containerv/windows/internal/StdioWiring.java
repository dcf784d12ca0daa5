package dev.containerv.windows.internal;

import dev.containerv.api.ProcessSpec;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The stdio of a container process: HCS gives three pipes; redirects other than PIPE, and a merged stderr, are
 * served by JVM pump threads. Closing stdin goes through {@link ContainerStdin}, which tells HCS.
 */
final class StdioWiring {
    private static final System.Logger LOG = System.getLogger(StdioWiring.class.getName());

    private StdioWiring() {
    }

    /**
     * The container process over {@code p}, its stdio served as {@code process} asks: PIPE streams as they are,
     * files and INHERIT through pump threads, stderr merged into stdout through two pumps.
     */
    static HcsContainerProcess wire(HcsApi hcs, String containerId, boolean hostPids, ProcessSpec process, HcsProcess p) {
        List<CompletableFuture<Void>> pumps = new ArrayList<>();
        OpenProcessHandle handle = new OpenProcessHandle(hcs, p);
        OutputStream stdin = new ContainerStdin(p.stdin(), handle);
        Redirect in = process.stdin();
        if (in.type() == Redirect.Type.READ) {
            pumps.add(pump(() -> Files.newInputStream(in.file().toPath()), stdin, true));
            stdin = OutputStream.nullOutputStream();
        } else if (in.type() == Redirect.Type.INHERIT) {
            closeAll(stdin);
            stdin = OutputStream.nullOutputStream();
        }
        InputStream stdout;
        InputStream stderr;
        if (process.redirectErrorStream()) {
            // HCS has no merged pipe: both pipes are pumped into one stream, in arrival order.
            PipedInputStream merged = new PipedInputStream(65536);
            PipedOutputStream sink;
            try {
                sink = new PipedOutputStream(merged);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SharedSink shared = new SharedSink(sink, 2);
            CompletableFuture<Void> a = pump(p::stdout, shared, true);
            CompletableFuture<Void> b = pump(p::stderr, shared, true);
            InputStream mergedIn = redirectOutput(process.stdout(), merged, pumps);
            stdout = mergedIn;
            stderr = InputStream.nullInputStream();
            pumps.add(a);
            pumps.add(b);
        } else {
            stdout = redirectOutput(process.stdout(), p.stdout(), pumps);
            stderr = redirectOutput(process.stderr(), p.stderr(), pumps);
        }
        CompletableFuture<Void> drained = CompletableFuture.allOf(pumps.toArray(new CompletableFuture<?>[0]));
        return new HcsContainerProcess(hcs, containerId, handle, hostPids, stdin, stdout, stderr, drained);
    }

    private static InputStream redirectOutput(Redirect r, InputStream source, List<CompletableFuture<Void>> pumps) {
        switch (r.type()) {
            case PIPE:
                return source;
            case INHERIT:
                pumps.add(pump(() -> source, System.out, false));
                return InputStream.nullInputStream();
            case WRITE:
            case APPEND:
                if (r.file() == null || r.file().getPath().equals(Redirect.DISCARD.file().getPath())) {
                    pumps.add(pump(() -> source, OutputStream.nullOutputStream(), false));
                } else {
                    pumps.add(pump(() -> source, () -> Files.newOutputStream(r.file().toPath(), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, r.type() == Redirect.Type.APPEND ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)));
                }
                return InputStream.nullInputStream();
            default:
                return source;
        }
    }

    /** Opens a stream; may fail with an IOException, which ends the pump. */
    interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Copies {@code from} into {@code to} on a daemon thread; closes {@code to} only if {@code closeTarget}. */
    static CompletableFuture<Void> pump(IoSupplier<InputStream> from, OutputStream to, boolean closeTarget) {
        return pump(from, () -> closeTarget ? to : new FilterNoClose(to));
    }

    private static CompletableFuture<Void> pump(IoSupplier<InputStream> from, IoSupplier<OutputStream> to) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (InputStream in = from.get(); OutputStream out = to.get()) {
                in.transferTo(out);
                out.flush();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "stream pump ended: " + e);
            } finally {
                done.complete(null);
            }
        }, "containerv-hcs-pump");
        t.setDaemon(true);
        t.start();
        return done;
    }

    private static final class FilterNoClose extends java.io.FilterOutputStream {
        FilterNoClose(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** An output several pumps write into; closed when the last of them closes it. */
    private static final class SharedSink extends OutputStream {
        private final OutputStream out;
        private int open;

        SharedSink(OutputStream out, int writers) {
            this.out = out;
            this.open = writers;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public synchronized void close() throws IOException {
            if (--open == 0) {
                out.close();
            }
        }
    }

    /** Closes each, logging failures. */
    static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "close: " + e);
            }
        }
    }
}
