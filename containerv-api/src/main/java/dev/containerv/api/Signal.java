package dev.containerv.api;

/**
 * Signals that can be sent to a container process. Numbers are the POSIX ones used on Linux; other
 * guests map them to their own mechanism or refuse with {@link ErrorKind#NOT_SUPPORTED}.
 */
public enum Signal {
    HUP(1), INT(2), QUIT(3), KILL(9), USR1(10), USR2(12), TERM(15), CONT(18), STOP(19);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    /** The signal number on Linux. */
    public int number() {
        return number;
    }
}
