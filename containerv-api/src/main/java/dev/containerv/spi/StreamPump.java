package dev.containerv.spi;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Copies one stream into another on a daemon thread of its own, flushing after every chunk so that interactive
 * output arrives as it is written. It is the building block of {@link StdioRedirects} and
 * {@link DeadlineExec}, and of anything else that connects a process's stream to the JVM (a command line's
 * terminal, for instance).
 *
 * <p>When the source ends, or reading or writing fails, the pump closes <em>both</em> streams and
 * {@link #done()} completes, always normally: a failure of either side ends the copy, is logged at {@code DEBUG}
 * and kept in {@link #failure()}, since the usual cause is the process or its reader going away. Wrap a stream that must stay
 * open, such as {@code System.in} or {@code System.out}, with {@link #keepOpen(InputStream)} or
 * {@link #keepOpen(OutputStream)}.
 *
 * <p>The thread is a daemon: a pump never keeps the JVM alive. A pump blocked in a read of a source that never
 * ends (a terminal, a pipe another process holds open) stays blocked until the source delivers or is closed;
 * {@link #stop()} makes it end at the next chunk without writing it.
 */
public final class StreamPump {
    private static final System.Logger LOG = System.getLogger(StreamPump.class.getName());
    private static final int BUFFER = 16 * 1024;

    private final InputStream from;
    private final OutputStream to;
    private final Thread thread;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean stopped;
    private volatile Exception failure;
    private volatile long lastActivity = System.nanoTime();
    /** True while a chunk that arrived is being written: a slow reader is not a quiet stream. */
    private volatile boolean writing;

    private StreamPump(String name, InputStream from, OutputStream to) {
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
        this.thread = new Thread(this::run, Objects.requireNonNull(name, "name"));
        thread.setDaemon(true);
    }

    /**
     * Starts copying {@code from} into {@code to} on a new daemon thread.
     *
     * @param name the thread's name, such as {@code "containerv-stdout-b1-12"}
     */
    public static StreamPump start(String name, InputStream from, OutputStream to) {
        StreamPump p = new StreamPump(name, from, to);
        p.thread.start();
        return p;
    }

    /** {@code in} with a {@code close()} that does nothing: for the JVM's own {@code System.in}. */
    public static InputStream keepOpen(InputStream in) {
        Objects.requireNonNull(in, "in");
        return new FilterInputStream(in) {
            @Override
            public void close() {
                // the stream belongs to someone else, who closes it
            }
        };
    }

    /** {@code out} with a {@code close()} that only flushes: for the JVM's own {@code System.out} and {@code System.err}. */
    public static OutputStream keepOpen(OutputStream out) {
        Objects.requireNonNull(out, "out");
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private void run() {
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = from; OutputStream out = to) {
            int n;
            while (!stopped && (n = in.read(buffer)) >= 0) {
                if (stopped) {
                    break;
                }
                lastActivity = System.nanoTime();
                writing = true;
                try {
                    out.write(buffer, 0, n);
                    out.flush();
                } finally {
                    lastActivity = System.nanoTime();
                    writing = false;
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            LOG.log(System.Logger.Level.DEBUG, () -> thread.getName() + " ended: " + e);
        } finally {
            done.complete(null);
        }
    }

    /** Completes when the copy has ended and both streams are closed; never exceptionally. */
    public CompletableFuture<Void> done() {
        return done;
    }

    /**
     * Why the copy ended early, once {@link #done()} has completed: the failure of a read or a write (or of
     * closing a stream), or empty if the source simply ended.
     */
    public java.util.Optional<Exception> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /**
     * Makes the pump end without writing anything more: at once if it waits to write, else when its pending read
     * returns. For a pump that feeds a process which has exited.
     */
    public void stop() {
        stopped = true;
    }

    /**
     * Waits until the copy ends, or until nothing has arrived for {@code quiet}, whichever comes first; time
     * spent writing a chunk (to a slow terminal) does not count as quiet. For the output of a process that has
     * exited: a background process it left may hold the stream open, and waiting for that would hang. Quiet is
     * counted from this call at the earliest, since bytes written just before the exit may not have been read yet,
     * and a source that still holds unread bytes ({@link InputStream#available()}) is not quiet; a stream found quiet
     * is looked at once more a fifth of {@code quiet} later, since bytes just taken by the pump show in neither.
     *
     * @return {@code true} if the copy ended, {@code false} if the stream stayed open and quiet
     */
    public boolean drain(Duration quiet) throws InterruptedException {
        long quietNanos = Objects.requireNonNull(quiet, "quiet").toNanos();
        long called = System.nanoTime();
        boolean confirming = false;
        while (thread.isAlive()) {
            if (writing) {
                confirming = false;
                thread.join(Math.max(1, quiet.toMillis()));
                continue;
            }
            long last = lastActivity - called > 0 ? lastActivity : called;
            long quietFor = System.nanoTime() - last;
            if (quietFor >= quietNanos && !bytesWaiting()) {
                if (!confirming) {
                    // Bytes the pump has just taken from the source are neither waiting there nor marked as activity
                    // until its thread runs on: look once more after a fifth of the quiet time before giving up.
                    confirming = true;
                    thread.join(Math.max(1, quiet.toMillis() / 5));
                    continue;
                }
                LOG.log(System.Logger.Level.DEBUG, () -> thread.getName() + " still open and quiet after " + quiet + "; not waiting for its end");
                return false;
            }
            confirming = false;
            thread.join(Math.max(1, (quietNanos - quietFor) / 1_000_000));
        }
        return true;
    }

    /**
     * Bytes the source holds that the pump has not read yet: on a loaded machine its thread may not have been
     * scheduled for longer than the quiet time, and output that was written is not a quiet stream.
     */
    private boolean bytesWaiting() {
        try {
            return from.available() > 0;
        } catch (IOException | RuntimeException e) {
            return false; // closed or unable to tell: the quiet time decides
        }
    }
}
