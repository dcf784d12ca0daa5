package dev.containerv.cli;

import dev.containerv.spi.StreamPump;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Connects the terminal to a running process: its standard input is pumped to the process, the process's standard
 * output and error to the terminal's, each flushed as it arrives so interactive use works.
 *
 * <p>When the process has exited, its output is drained until each stream ends or stays quiet for
 * {@link #DRAIN_QUIET_MILLIS} ({@link StreamPump#drain}, which then closes it): a background process it left behind may
 * hold the stream open, and waiting for that would hang {@code exec} (for {@code run}, destroying the container ends it anyway).
 * Unlike {@link dev.containerv.spi.DeadlineExec}, which bounds a captured exec by its deadline, an attached
 * command may print for as long as it likes, so only silence after the exit ends the wait.
 */
final class Attach {
    /** How long an output stream may stay silent after the exit before containerv stops waiting for its end. */
    static final long DRAIN_QUIET_MILLIS = 500;

    private static final System.Logger LOG = System.getLogger(Attach.class.getName());

    private Attach() {
    }

    /**
     * Pumps the streams until the process exits and its output is drained.
     *
     * @param stdin the terminal's input, or {@code null} to give the process an empty input at once
     * @return the process's exit value
     */
    static int attach(Process process, InputStream stdin, PrintStream stdout, PrintStream stderr) throws InterruptedException {
        return attach(process, stdin, stdout, stderr, null, Duration.ZERO);
    }

    /**
     * Like {@link #attach(Process, InputStream, PrintStream, PrintStream)}, but a process still running after
     * {@code timeout} gets {@link Process#destroy()} (SIGTERM), then {@link Process#destroyForcibly()} if it is still
     * there after {@code killAfter}; the result is then {@link ExitCodes#TIMEOUT} (124, as timeout(1)), whatever the
     * process's own status, and a line on {@code stderr} says so.
     *
     * @param timeout {@code null} for no limit
     */
    static int attach(Process process, InputStream stdin, PrintStream stdout, PrintStream stderr, Duration timeout, Duration killAfter)
            throws InterruptedException {
        // The terminal's streams stay open: they are the command's own, used after the process is gone.
        StreamPump out = StreamPump.start("containerv-stdout", process.getInputStream(), StreamPump.keepOpen(stdout));
        StreamPump err = StreamPump.start("containerv-stderr", process.getErrorStream(), StreamPump.keepOpen(stderr));
        if (stdin == null) {
            closeQuietly(process.getOutputStream());
        } else {
            // Closes the process's input when the terminal's ends, or ends when the process no longer accepts it.
            StreamPump.start("containerv-stdin", StreamPump.keepOpen(stdin), process.getOutputStream());
        }
        int code;
        if (timeout == null || process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            code = process.waitFor();
        } else {
            LOG.log(Level.INFO, "the command ran longer than {0} ms: SIGTERM", timeout.toMillis());
            process.destroy();
            if (!process.waitFor(killAfter.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.INFO, "the command is still running {0} ms after SIGTERM: SIGKILL", killAfter.toMillis());
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            code = ExitCodes.TIMEOUT;
            stderr.println("containerv: the command did not finish within " + words(timeout) + " and was stopped (exit " + code + ")");
        }
        Duration quiet = Duration.ofMillis(DRAIN_QUIET_MILLIS);
        out.drain(quiet);
        err.drain(quiet);
        return code;
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing the process's standard input: " + e);
        }
    }

    /** {@code 30 s} or {@code 500 ms}. */
    static String words(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
