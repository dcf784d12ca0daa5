package dev.containerv.api;

import java.util.OptionalInt;

/**
 * What an {@link Container#exec(ProcessSpec, java.time.Duration) exec} that ran out of time had produced, carried by
 * its {@link ErrorKind#TIMEOUT} exception ({@link ContainerException#partialResult()}), so that a caller can still show
 * why a build hung or what it printed before.
 *
 * @param exitCode  the exit code, when the process exited by itself before the deadline (a background process it
 *                  started held its output open); empty when it was still running and was killed
 * @param stdout    the standard output captured until the deadline, decoded as UTF-8; at most the last
 *                  {@value #MAX_CHARS} characters
 * @param stderr    the same for standard error
 * @param truncated {@code true} if either stream was longer and only its end is kept
 */
public record PartialExecResult(OptionalInt exitCode, String stdout, String stderr, boolean truncated) {
    /** How much of each stream is kept, from its end. */
    public static final int MAX_CHARS = 64 * 1024;

    /** Keeps at most the last {@link #MAX_CHARS} characters of each stream. */
    public static PartialExecResult of(OptionalInt exitCode, String stdout, String stderr) {
        boolean cut = stdout.length() > MAX_CHARS || stderr.length() > MAX_CHARS;
        return new PartialExecResult(exitCode, tail(stdout), tail(stderr), cut);
    }

    private static String tail(String s) {
        return s.length() <= MAX_CHARS ? s : s.substring(s.length() - MAX_CHARS);
    }
}
