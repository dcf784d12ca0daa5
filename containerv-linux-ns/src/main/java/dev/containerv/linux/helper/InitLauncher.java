package dev.containerv.linux.helper;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Reads the one status line of a supervisor ({@link EarlyStart} starts it; protocol sections 3 and 4): stdin is the
 * owner pipe (only this JVM holds its write end), stdout the status pipe, stderr the log file.
 */
public final class InitLauncher {
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

    private InitLauncher() {
    }

    /**
     * The status line, or a {@link ContainerException}: {@code TIMEOUT} when no line came within 30 s (the helper
     * is then killed), {@code PLATFORM_FAILURE} when it ended without one or wrote something else; both quote the
     * end of its log.
     */
    public static StatusLine readStatus(Process helperProcess, String op, String id, RandomAccessFile log) {
        dev.containerv.spi.IdleTimer.Scheduled watchdog = HelperCommand.WATCHDOG.schedule(helperProcess::destroyForcibly, CREATE_TIMEOUT);
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(helperProcess.getInputStream(), StandardCharsets.UTF_8))) {
            line = r.readLine();
        } catch (IOException e) {
            line = null;
        } finally {
            watchdog.cancel();
        }
        if (line == null) {
            int code = waitQuietly(helperProcess, Duration.ofSeconds(5));
            boolean timedOut = watchdog.hasRun();
            throw ContainerException.builder(timedOut ? ErrorKind.TIMEOUT : ErrorKind.PLATFORM_FAILURE,
                    (timedOut ? "the helper did not report within " + CREATE_TIMEOUT.toSeconds() + " s and was killed"
                            : "the helper ended (exit " + code + ") without reporting ready or an error") + "; its log: " + tail(log))
                    .operation(op).containerId(id).build();
        }
        try {
            return StatusLine.parse(line);
        } catch (IllegalArgumentException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "the helper's status line is not understood: " + e.getMessage())
                    .operation(op).containerId(id).cause(e).build();
        }
    }

    /** The exit code, or {@link Integer#MIN_VALUE} when it has not ended within {@code timeout} (or on interrupt). */
    public static int waitQuietly(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : Integer.MIN_VALUE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Integer.MIN_VALUE;
        }
    }

    /** The last 2000 bytes of the helper's log on one line, for messages. */
    public static String tail(RandomAccessFile log) {
        try {
            long len = log.length();
            long from = Math.max(0, len - 2000);
            byte[] b = new byte[(int) (len - from)];
            log.seek(from);
            log.readFully(b);
            String s = new String(b, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "(empty)" : s.replace('\n', '|');
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
