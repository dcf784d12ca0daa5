package dev.containerv.linux.helper;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import dev.containerv.spi.IdleTimer;

/**
 * Runs one short-lived helper command ({@code copy}, {@code cleanup}) to its end: stdin {@code /dev/null},
 * its output collected, killed by a shared watchdog thread when it outlives its timeout.
 */
public final class HelperCommand {
    /**
     * Kills helpers running too long (create's status wait, copies, cleanups) on one daemon thread that exists only
     * while a helper runs (it ends 2 s after the last one, or when interrupted).
     */
    static final IdleTimer WATCHDOG = new IdleTimer("containerv-watchdog", Duration.ofSeconds(2));

    private HelperCommand() {
    }

    /**
     * What the command printed and how it ended.
     *
     * @param exitCode its exit code
     * @param output   stdout (with {@code withStderr}, stderr too), trimmed
     * @param timedOut whether the watchdog killed it
     */
    public record Result(int exitCode, String output, boolean timedOut) {
    }

    /**
     * Runs {@code command} (the helper's path first) and waits for it.
     *
     * @param withStderr merge stderr (the helper's log lines) into the output; otherwise it is discarded
     */
    public static Result run(List<String> command, Duration timeout, boolean withStderr) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(Redirect.from(new File("/dev/null")));
        if (withStderr) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(Redirect.DISCARD);
        }
        Process p = pb.start();
        IdleTimer.Scheduled watchdog = WATCHDOG.schedule(p::destroyForcibly, timeout);
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int code = p.waitFor();
            return new Result(code, out, watchdog.hasRun());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        } finally {
            watchdog.cancel();
        }
    }
}
