package dev.containerv.api;

/**
 * Signals that can be sent to a container process. Numbers are the POSIX ones used on Linux; other
 * guests map them to their own mechanism or refuse with {@link ErrorKind#NOT_SUPPORTED}.
 */
public enum Signal {
    /** Hang-up (1). */
    HUP(1),
    /** Interrupt, as Ctrl-C (2). */
    INT(2),
    /** Quit, as Ctrl-\ (3). */
    QUIT(3),
    /** Kill, which cannot be caught (9). */
    KILL(9),
    /** User-defined signal 1 (10). */
    USR1(10),
    /** User-defined signal 2 (12). */
    USR2(12),
    /** Polite termination (15). */
    TERM(15),
    /** Continue a stopped process (18). */
    CONT(18),
    /** Stop, which cannot be caught (19). */
    STOP(19);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    /** The signal number on Linux. */
    public int number() {
        return number;
    }
}
