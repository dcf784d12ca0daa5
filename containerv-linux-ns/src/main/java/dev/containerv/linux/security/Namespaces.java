package dev.containerv.linux.security;

/** The namespace flags of clone(2), unshare(2) and setns(2) that the rules look at. */
final class Namespaces {
    static final long CLONE_NEWTIME = 0x00000080L;
    static final long CLONE_NEWNS = 0x00020000L;
    static final long CLONE_NEWCGROUP = 0x02000000L;
    static final long CLONE_NEWUTS = 0x04000000L;
    static final long CLONE_NEWIPC = 0x08000000L;
    static final long CLONE_NEWUSER = 0x10000000L;
    static final long CLONE_NEWPID = 0x20000000L;
    static final long CLONE_NEWNET = 0x40000000L;

    /** Every namespace flag unshare(2) takes. */
    static final long UNSHARE_FLAGS = CLONE_NEWTIME | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
            | CLONE_NEWPID | CLONE_NEWNET;
    /** The same for clone(2), whose low byte is the exit signal (0x80 is a signal bit there, not CLONE_NEWTIME). */
    static final long CLONE_FLAGS = UNSHARE_FLAGS & ~CLONE_NEWTIME;

    private Namespaces() {
    }
}
