package dev.containerv.testkit.reference;

/**
 * A defect built into the reference provider on purpose, so the meta-tests can prove that the conformance
 * suite notices it. Each flaw is the kind of mistake a real provider makes (several are the original C
 * library's).
 */
public enum Flaw {
    /** Standard error goes nowhere. */
    DROPS_STDERR,
    /** Processes always start in the container's root. */
    IGNORES_WORKING_DIRECTORY,
    /** Every process reports exit value 0. */
    LOSES_EXIT_CODES,
    /** Uploads copy the bytes but not the permission bits. */
    IGNORES_UPLOAD_MODE,
    /** Destroy stops the processes but leaves the container's root directory on the host (a leaked mount, in effect). */
    LEAVES_ROOT_BEHIND,
    /** Capabilities it does not declare are accepted and silently ignored. */
    ACCEPTS_UNDECLARED_CAPABILITIES,
    /** Declares RESOURCE_LIMITS, accepts limits and ignores them. */
    CLAIMS_LIMITS_BUT_IGNORES_THEM,
    /**
     * Transfers treat the destination as the exact target, as containerv did before issue 18: an existing
     * directory is replaced or merged into instead of receiving the source inside it.
     */
    COPIES_ONTO_THE_DESTINATION,
    /** Transfers follow symbolic links found in the container, onto host paths. */
    FOLLOWS_SYMLINKS,
    /** A second destroy throws. */
    DESTROY_NOT_IDEMPOTENT,
    /** Every container gets the same root directory. */
    SHARES_ONE_ROOT,
    /** Arguments are joined and split on spaces, as the original library's spawn did. */
    SPLITS_ARGUMENTS_ON_SPACES,
    /** The environment of the process spec is not passed. */
    DROPS_ENVIRONMENT,
    /** The default variables (PATH, HOME, ...) are added even when the spec asks for none. */
    ALWAYS_ADDS_DEFAULT_ENVIRONMENT,
    /** Stats are always zero. */
    STATS_NEVER_MOVE,
    /** Destroy forgets the container but leaves its processes running. */
    KEEPS_PROCESSES_AFTER_DESTROY,
    /** Spawn blocks until the container is destroyed, deaf to interrupts. */
    SPAWN_HANGS,
    /** Standard input {@code INHERIT} gets an empty input instead of the JVM's {@code System.in}. */
    CLOSES_INHERITED_STDIN,
    /** {@code destroy()} of a process that is gone throws, as a platform's kill does. */
    DESTROY_THROWS_WHEN_GONE,
    /** The container's {@code /etc} is a link to the base root file system's, to save a copy: writes reach the base. */
    SHARES_THE_BASE_ETC,
    /** The container's {@code /tmp} is the host's temporary directory, shared "for convenience": host paths are reachable. */
    SHARES_THE_HOST_TMP,
    /**
     * Claims that isolation can be verified (the suite's {@code isolationUnverifiable()} is empty) although its
     * processes are host processes: the rules that need isolation run and must catch it.
     */
    CLAIMS_ISOLATION,
    /** Accepts a root of several layers without declaring LAYERED_ROOTFS and uses only the base. */
    IGNORES_ROOT_LAYERS,
    /** Accepts a read-only root without declaring READ_ONLY_ROOT and gives the container its usual writable root. */
    IGNORES_READ_ONLY_ROOT,
    /** Create fails as it would without root. */
    NO_PRIVILEGES,
    /**
     * Declares none of the features it has, as a provider that forgot them would. No rule may fail for it: the
     * suite must skip exactly the {@code optional_} rules, saying what is not declared.
     */
    DECLARES_NO_FEATURES
}
