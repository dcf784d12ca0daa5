package dev.containerv.api;

/** The operating system inside a container, which decides the form of container paths. */
public enum GuestOs {
    /** POSIX paths: {@code /src}. */
    LINUX,
    /** Drive-absolute paths: {@code C:\src}. */
    WINDOWS
}
