package dev.containerv.cli;

import dev.containerv.spi.StreamPump;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Connects the terminal to a running process: its standard input is pumped to the process, the process's standard
 * output and error to the terminal's, each flushed as it arrives so interactive use works.
 *
 * <p>When the process has exited, its output is drained until each stream ends or stays quiet for
 * {@link #DRAIN_QUIET_MILLIS} ({@link StreamPump#drain}): a background process it left behind may hold the stream
 * open, and waiting for that would hang {@code exec} (for {@code run}, destroying the container ends it anyway).
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
        // The terminal's streams stay open: they are the command's own, used after the process is gone.
        StreamPump out = StreamPump.start("containerv-stdout", process.getInputStream(), StreamPump.keepOpen(stdout));
        StreamPump err = StreamPump.start("containerv-stderr", process.getErrorStream(), StreamPump.keepOpen(stderr));
        if (stdin == null) {
            closeQuietly(process.getOutputStream());
        } else {
            // Closes the process's input when the terminal's ends, or ends when the process no longer accepts it.
            StreamPump.start("containerv-stdin", StreamPump.keepOpen(stdin), process.getOutputStream());
        }
        int code = process.waitFor();
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
}
