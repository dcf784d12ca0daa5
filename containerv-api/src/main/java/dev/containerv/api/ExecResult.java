package dev.containerv.api;

/**
 * The outcome of {@link Container#exec(ProcessSpec)}: the exit code and both streams, decoded as UTF-8.
 *
 * @param exitCode the exit code; a death by signal n is 128 + n
 * @param stdout   everything the process wrote to standard output
 * @param stderr   everything the process wrote to standard error
 */
public record ExecResult(int exitCode, String stdout, String stderr) {
    /** {@code true} if the exit code is 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
