package dev.containerv.api;

/**
 * What kind of failure a {@link ContainerException} reports. Callers branch on the kind, never on
 * message text.
 */
public enum ErrorKind {
    /** A spec, path or argument was rejected before anything was created. */
    INVALID_SPEC,
    /** The container, process, provider or file named does not exist. */
    NOT_FOUND,
    /** A container with that id exists already. */
    ALREADY_EXISTS,
    /** The provider or host cannot do what was asked (a capability, a setting, an operation). */
    NOT_SUPPORTED,
    /** The caller lacks the privileges the operation needs. */
    PERMISSION_DENIED,
    /** A resource limit was hit (memory, processes, disk, file descriptors). */
    RESOURCE_LIMIT,
    /** The operation did not finish in time. */
    TIMEOUT,
    /** The platform failed in a way none of the other kinds describes. */
    PLATFORM_FAILURE
}
