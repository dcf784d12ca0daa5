package dev.containerv.api;

/** A starting set of allowed syscalls and paths for a {@link SecurityPolicy}. */
public enum PolicyProfile {
    /** What any program needs to start, read files and exit. */
    MINIMAL,
    /** MINIMAL plus what compilers and build tools need (file creation, rename, chmod, ...). */
    BUILD,
    /** BUILD plus sockets that listen and accept, and the resolver files. */
    NETWORK,
    /** Nothing but what the policy adds explicitly. */
    CUSTOM
}
