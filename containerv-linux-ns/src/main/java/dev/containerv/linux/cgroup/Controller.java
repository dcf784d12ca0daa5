package dev.containerv.linux.cgroup;

import java.util.Optional;

/**
 * The cgroup controllers containerv uses, with their names in each version. Two have no v2 controller:
 * CPU accounting ({@code cpu.stat}) and freezing ({@code cgroup.freeze}) are part of every v2 cgroup.
 */
public enum Controller {
    /** Memory limit, swap limit, usage and peak. */
    MEMORY("memory", "memory"),
    /** CPU weight and CPU bandwidth (quota/period). */
    CPU("cpu", "cpu"),
    /** CPU time used: v1 {@code cpuacct.usage}; v2 {@code cpu.stat}, present in every cgroup. */
    CPUACCT("cpuacct", null),
    /** Process-count limit and count. */
    PIDS("pids", "pids"),
    /** Block I/O weight and counters: v1 {@code blkio}, v2 {@code io}. */
    IO("blkio", "io"),
    /** Freezing for an atomic kill: v1 {@code freezer}; v2 {@code cgroup.freeze}, present in every cgroup. */
    FREEZER("freezer", null);

    private final String v1Name;
    private final String v2Name;

    Controller(String v1Name, String v2Name) {
        this.v1Name = v1Name;
        this.v2Name = v2Name;
    }

    /** The v1 controller name, as in mount options and {@code /proc/cgroups}. */
    public String v1Name() {
        return v1Name;
    }

    /**
     * The v2 controller name as {@code cgroup.controllers} lists it; empty where the function is part of
     * every v2 cgroup and needs no enabling.
     */
    public Optional<String> v2Name() {
        return Optional.ofNullable(v2Name);
    }

    /** The name for messages in the given version. */
    public String nameIn(int version) {
        return version == 1 ? v1Name : v2Name == null ? "core (" + v1Name + " function)" : v2Name;
    }
}
