package dev.containerv.linux.helper;

import dev.containerv.linux.plan.Percent;

/**
 * The one line {@code containerv-helper init} writes on its status pipe (docs section 3.1), or the
 * result line of {@code copy} (section 7). Additional trailing fields are ignored, as the contract asks.
 */
public sealed interface StatusLine {
    /** {@code ready <init-host-pid> <init-starttime> <supervisor-pid>}. */
    record Ready(long initPid, long initStartTime, long supervisorPid) implements StatusLine {
    }

    /** {@code error <step> <syscall> <errno-name> <errno-number> <path> <detail>}. */
    record Error(HelperFailure failure) implements StatusLine {
    }

    /** {@code ok <files> <dirs> <symlinks> <skipped> <bytes>} of copy mode. */
    record CopyOk(long files, long dirs, long symlinks, long skipped, long bytes) implements StatusLine {
    }

    /**
     * Parses one line (without its newline).
     *
     * @throws IllegalArgumentException naming what is wrong, for anything that is not a valid line
     */
    static StatusLine parse(String line) {
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("empty status line");
        }
        String[] f = line.split(" ", -1);
        switch (f[0]) {
            case "ready" -> {
                need(f, 4, line);
                return new Ready(number(f[1], line), number(f[2], line), number(f[3], line));
            }
            case "error" -> {
                need(f, 7, line);
                int errno = (int) number(f[4], line);
                return new Error(new HelperFailure(Percent.decodeField(f[1]), Percent.decodeField(f[2]),
                        Percent.decodeField(f[3]), errno, Percent.decodeField(f[5]), Percent.decodeField(f[6])));
            }
            case "ok" -> {
                need(f, 6, line);
                return new CopyOk(number(f[1], line), number(f[2], line), number(f[3], line), number(f[4], line), number(f[5], line));
            }
            default -> throw new IllegalArgumentException("unknown status line '" + line + "'");
        }
    }

    private static void need(String[] fields, int count, String line) {
        if (fields.length < count) {
            throw new IllegalArgumentException("status line has " + fields.length + " fields, expected at least " + count + ": '" + line + "'");
        }
    }

    private static long number(String s, String line) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not an unsigned number: '" + s + "' in '" + line + "'");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number out of range: '" + s + "' in '" + line + "'", e);
        }
    }
}
