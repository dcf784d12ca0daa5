package dev.containerv.api;

/**
 * Optional features of a provider beyond the isolation {@link Capability capabilities}. A provider
 * that lacks a feature refuses specs that need it with {@link ErrorKind#NOT_SUPPORTED}; the
 * conformance testkit skips the matching tests with the reason.
 */
public enum RuntimeFeature {
    /** Memory, CPU and process-count limits from {@link ResourceLimits}. */
    RESOURCE_LIMITS,
    /** Container addressing from {@link NetworkSpec}. */
    NETWORK_ADDRESSING,
    /** uid and gid mappings ({@link IdMapping}). */
    ID_MAPPING,
    /** Syscall and path rules from {@link SecurityPolicy}. */
    SECURITY_POLICY,
    /** {@link Container#stats()}. */
    STATS,
    /** {@link Container#processes()}. */
    PROCESS_LIST,
    /** {@link Container#upload} and {@link Container#download}. */
    FILE_TRANSFER,
    /** {@link ContainerRuntime#open(String)} from another process. */
    OPEN_BY_ID,
    /** {@link ContainerSpec#persistent()} containers that outlive their creator. */
    PERSISTENT,
    /** Host directories bound into the container ({@link Layer#hostDirectory}). */
    HOST_DIRECTORY_LAYERS,
    /** tmpfs layers ({@link Layer#tmpfs}). */
    TMPFS_LAYERS,
    /** Running processes as another user ({@link ProcessSpec#user()}). */
    RUN_AS_USER,
    /** Every {@link Signal}, not only termination. */
    POSIX_SIGNALS,
    /** Root file systems of several read-only layers ({@link ContainerSpec.Builder#rootfsLayers(java.util.List)}). */
    LAYERED_ROOTFS,
    /**
     * A read-only root file system with no writable layer ({@link ContainerSpec.Builder#readOnlyRoot(boolean)}):
     * writes to the root fail with {@code EROFS}, tmpfs and read-write host directory layers stay writable.
     */
    READ_ONLY_ROOT
}
