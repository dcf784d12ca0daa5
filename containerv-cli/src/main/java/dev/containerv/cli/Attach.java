package dev.containerv.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * Connects the terminal to a running process: its standard input is pumped to the process, the process's standard
 * output and error to the terminal's, each flushed as it arrives so interactive use works.
 *
 * <p>When the process has exited, its output is drained until each stream ends or stays quiet for
 * {@link #DRAIN_QUIET_MILLIS}: a background process it left behind may hold the stream open, and waiting for that
 * would hang {@code exec} (for {@code run}, destroying the container ends it anyway).
 */
final class Attach {
    /** How long an output stream may stay silent after the exit before containerv stops waiting for its end. */
    static final long DRAIN_QUIET_MILLIS = 500;

    private static final System.Logger LOG = System.getLogger(Attach.class.getName());
    private static final int BUFFER = 16 * 1024;

    private Attach() {
    }

    /**
     * Pumps the streams until the process exits and its output is drained.
     *
     * @param stdin the terminal's input, or {@code null} to give the process an empty input at once
     * @return the process's exit value
     */
    static int attach(Process process, InputStream stdin, PrintStream stdout, PrintStream stderr) throws InterruptedException {
        Pump out = Pump.start("containerv-stdout", process.getInputStream(), stdout);
        Pump err = Pump.start("containerv-stderr", process.getErrorStream(), stderr);
        if (stdin == null) {
            closeQuietly(process.getOutputStream());
        } else {
            Thread in = new Thread(() -> pumpInput(stdin, process.getOutputStream()), "containerv-stdin");
            in.setDaemon(true);
            in.start();
        }
        int code = process.waitFor();
        out.drain();
        err.drain();
        return code;
    }

    private static void pumpInput(InputStream from, OutputStream to) {
        byte[] buffer = new byte[BUFFER];
        try (to) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // The process closed its input or ended: the rest of the terminal's input is not for it.
            LOG.log(Level.DEBUG, () -> "standard input no longer accepted by the process: " + e);
        }
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing the process's standard input: " + e);
        }
    }

    /** Copies one output stream of the process to the terminal on its own thread. */
    private static final class Pump implements Runnable {
        private final InputStream from;
        private final PrintStream to;
        private final Thread thread;
        private volatile long lastActivity = System.nanoTime();
        /** True while bytes that arrived are being written: a slow terminal is not a quiet stream. */
        private volatile boolean writing;

        private Pump(String name, InputStream from, PrintStream to) {
            this.from = from;
            this.to = to;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        static Pump start(String name, InputStream from, PrintStream to) {
            Pump p = new Pump(name, from, to);
            p.thread.start();
            return p;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[BUFFER];
            try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    lastActivity = System.nanoTime();
                    writing = true;
                    try {
                        to.write(buffer, 0, n);
                        to.flush();
                    } finally {
                        lastActivity = System.nanoTime();
                        writing = false;
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> Thread.currentThread().getName() + " ended: " + e);
            }
        }

        /**
         * Waits for the end of the stream, or until nothing has arrived for {@link #DRAIN_QUIET_MILLIS} after the
         * last write finished; time spent writing to a slow terminal does not count as quiet.
         */
        void drain() throws InterruptedException {
            // Quiet counts from the exit at the earliest: bytes written just before it may not have been read yet.
            long exitSeen = System.nanoTime();
            while (thread.isAlive()) {
                if (writing) {
                    thread.join(DRAIN_QUIET_MILLIS);
                    continue;
                }
                long quietFor = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - (lastActivity - exitSeen > 0 ? lastActivity : exitSeen));
                if (quietFor >= DRAIN_QUIET_MILLIS) {
                    LOG.log(Level.DEBUG, () -> thread.getName() + " still open after the exit (a background process holds it?); not waiting");
                    return;
                }
                thread.join(Math.max(1, DRAIN_QUIET_MILLIS - quietFor));
            }
        }
    }
}
