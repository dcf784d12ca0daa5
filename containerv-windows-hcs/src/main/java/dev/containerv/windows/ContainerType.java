package dev.containerv.windows;

/** The guest operating system of a Windows-hosted container. */
public enum ContainerType {
    /** Windows Server containers (WCOW). The default. */
    WINDOWS,
    /** Linux containers on Windows (LCOW), always in a utility VM; see {@link LcowOptions}. */
    LINUX
}
