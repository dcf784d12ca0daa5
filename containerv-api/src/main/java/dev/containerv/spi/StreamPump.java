package dev.containerv.spi;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
 * {@link #stop()} makes it end at the next chunk without writing it, {@link #drain} ends it once the stream is quiet.
 */
public final class StreamPump {
    private static final System.Logger LOG = System.getLogger(StreamPump.class.getName());
    private static final int BUFFER = 16 * 1024;
    /** How many quiet periods {@link #drain} waits, after closing the source, for the read it was waiting in to return. */
    static final int RELEASE_QUIETS = 10;

    /** Between chunks: about to look at the source. */
    private static final int BETWEEN = 0;
    /** In a read of a source that had no bytes waiting: it may wait there for ever. */
    private static final int WAITING = 1;
    /** Taking bytes the source said it holds, or writing a chunk: not quiet, however long it takes. */
    private static final int HANDING_ON = 2;

    private final InputStream from;
    private final OutputStream to;
    private final Thread thread;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Guards phase, lastActivity, ended and closedByDrain; notified at each change. */
    private final Object lock = new Object();
    private int phase = BETWEEN;
    private long lastActivity = System.nanoTime();
    private boolean ended;
    private boolean closedByDrain;
    private volatile boolean stopped;
    private volatile Exception failure;

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
            while (!stopped) {
                // Bytes the source holds are taken as "handing on": only a read that may wait is a quiet stream's.
                enter(bytesWaiting(in) ? HANDING_ON : WAITING);
                int n = in.read(buffer);
                if (n < 0 || stopped) {
                    break;
                }
                enter(HANDING_ON);
                out.write(buffer, 0, n);
                out.flush();
                enter(BETWEEN);
            }
        } catch (IOException | RuntimeException e) {
            if (!closedByDrain()) {
                failure = e;
                LOG.log(System.Logger.Level.DEBUG, () -> thread.getName() + " ended: " + e);
            }
        } finally {
            done.complete(null); // first: a drain that saw the end returns with done() complete
            synchronized (lock) {
                ended = true;
                lock.notifyAll();
            }
        }
    }

    private void enter(int next) {
        synchronized (lock) {
            phase = next;
            lastActivity = System.nanoTime();
            lock.notifyAll();
        }
    }

    private boolean closedByDrain() {
        synchronized (lock) {
            return closedByDrain;
        }
    }

    /** Whether the source says it holds bytes; asked by the pump's own thread, the only reader of the source. */
    private static boolean bytesWaiting(InputStream in) {
        try {
            return in.available() > 0;
        } catch (IOException | RuntimeException e) {
            return false; // closed or unable to tell: the read says
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
     * Waits until the copy ends, or until the stream has been quiet for {@code quiet}, and in that case ends the copy. For
     * the output of a process that has exited: a background process it left may hold the stream open, and waiting for
     * that would hang.
     *
     * <p>Quiet means the pump has waited in a read of the source, which had no bytes waiting when it began, for
     * {@code quiet}, counted from this call at the earliest. Time spent taking bytes the source holds, or writing a chunk
     * (to a slow terminal), is never quiet, nor is a pump thread that has not been scheduled since its last chunk. A
     * read that has waited that long may still have taken bytes just now, which its thread has not handed on yet: so
     * the source is then closed, which ends a read that waits (the streams of sockets, channels and containerv's
     * providers), and this waits for that read to return; the bytes it took are written before the pump ends. A source
     * whose close does not end a waiting read is given up {@value #RELEASE_QUIETS} quiet periods later.
     *
     * @return {@code true} if the copy ended by itself, {@code false} if the stream stayed open and quiet and was closed
     */
    public boolean drain(Duration quiet) throws InterruptedException {
        long quietNanos = Objects.requireNonNull(quiet, "quiet").toNanos();
        long called = System.nanoTime();
        synchronized (lock) {
            while (!ended) {
                long now = System.nanoTime();
                long last = lastActivity - called > 0 ? lastActivity : called;
                if (phase == WAITING && now - last >= quietNanos) {
                    break;
                }
                waitNanos(phase == WAITING ? quietNanos - (now - last) : quietNanos);
            }
            if (ended && !closedByDrain) {
                return true;
            }
            closedByDrain = true;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> thread.getName() + " open and quiet after " + quiet + ": closing its source");
        try {
            from.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "closing the source of " + thread.getName() + ": " + e);
        }
        long releaseNanos = quietNanos * RELEASE_QUIETS;
        long closed = System.nanoTime();
        synchronized (lock) {
            // Until the pump ends: a read that returns with bytes has them written first. Only a read that waits on
            // after the close (a source whose close does not end it) is given up.
            while (!ended) {
                long since = lastActivity - closed > 0 ? lastActivity : closed;
                long left = releaseNanos - (System.nanoTime() - since);
                if (phase == WAITING && left <= 0) {
                    LOG.log(System.Logger.Level.DEBUG, () -> thread.getName() + ": closing its source did not end its read within "
                            + RELEASE_QUIETS + " x " + quiet + "; not waiting for it");
                    return false;
                }
                waitNanos(phase == WAITING ? left : quietNanos);
            }
        }
        return false;
    }

    /** {@code lock.wait} for at most {@code nanos} (at least a millisecond); the caller holds {@code lock}. */
    private void waitNanos(long nanos) throws InterruptedException {
        long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
        lock.wait(ms);
    }
}
