package dev.containerv.windows;

/** How a Windows container is isolated from the host. */
public enum Isolation {
    /** A server silo sharing the host kernel; the image's OS build must match the host's. The default. */
    PROCESS,
    /** A container inside a lightweight utility VM with its own kernel. Needs Hyper-V. */
    HYPERV
}
