package dev.containerv.cli;

import dev.containerv.api.ErrorKind;

/**
 * The exit codes of {@code containerv}. {@code run} and {@code exec} exit with the command's own code (a death
 * by signal n is 128 + n); the codes below are what containerv itself exits with when something goes wrong.
 * They sit just below 126 and 127, which keep the meaning shells and docker give them, so a script can tell
 * "containerv failed" from "the command failed" for every command that does not use those codes itself.
 * The table is documented in {@code docs/cli.md}; keep both in step.
 */
final class ExitCodes {
    /** Everything worked (or the command exited 0). */
    static final int OK = 0;
    /** The command line could not be parsed: unknown option, missing argument, malformed value. */
    static final int USAGE = 2;
    /** {@link ErrorKind#RESOURCE_LIMIT}. */
    static final int RESOURCE_LIMIT = 118;
    /** {@link ErrorKind#ALREADY_EXISTS}: the id is taken. */
    static final int ALREADY_EXISTS = 119;
    /** {@link ErrorKind#NOT_FOUND}: the container, a file or the named runtime does not exist. */
    static final int NOT_FOUND = 120;
    /** {@link ErrorKind#INVALID_SPEC}: a value was rejected by containerv or the provider. */
    static final int INVALID_SPEC = 121;
    /** {@link ErrorKind#PERMISSION_DENIED}: containerv lacks a privilege (usually: run it as root). */
    static final int PERMISSION_DENIED = 122;
    /** {@link ErrorKind#NOT_SUPPORTED}: no runtime available here, or the runtime cannot do what was asked. */
    static final int NOT_SUPPORTED = 123;
    /** {@link ErrorKind#TIMEOUT}, the code {@code timeout(1)} uses. */
    static final int TIMEOUT = 124;
    /** {@link ErrorKind#PLATFORM_FAILURE} and any unexpected failure of containerv itself (as docker's 125). */
    static final int PLATFORM_FAILURE = 125;
    /** run/exec: the command was found but could not be started (not executable, bad working directory). */
    static final int CANNOT_EXECUTE = 126;
    /** run/exec: the command (or its user or working directory) was not found in the container. */
    static final int COMMAND_NOT_FOUND = 127;

    private ExitCodes() {
    }

    /** The exit code for a failure of this kind outside the start of a command. */
    static int of(ErrorKind kind) {
        return switch (kind) {
            case INVALID_SPEC -> INVALID_SPEC;
            case NOT_FOUND -> NOT_FOUND;
            case ALREADY_EXISTS -> ALREADY_EXISTS;
            case NOT_SUPPORTED -> NOT_SUPPORTED;
            case PERMISSION_DENIED -> PERMISSION_DENIED;
            case RESOURCE_LIMIT -> RESOURCE_LIMIT;
            case TIMEOUT -> TIMEOUT;
            case PLATFORM_FAILURE -> PLATFORM_FAILURE;
        };
    }

    /**
     * The exit code for a failure to start the command of {@code run} or {@code exec}: 127 when something it
     * needs was not found, 126 when it could not be started, otherwise as {@link #of(ErrorKind)} (the container
     * or the platform failed, not the command).
     */
    static int ofSpawn(ErrorKind kind) {
        return switch (kind) {
            case NOT_FOUND -> COMMAND_NOT_FOUND;
            case PERMISSION_DENIED, INVALID_SPEC -> CANNOT_EXECUTE;
            default -> of(kind);
        };
    }
}
