package dev.containerv.api;

/** Whether a container may write to a layer or path. */
public enum Access {
    /** Reads only; writes fail with a read-only error. */
    READ_ONLY,
    /** Reads and writes. */
    READ_WRITE
}
