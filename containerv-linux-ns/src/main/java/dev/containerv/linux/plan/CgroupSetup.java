package dev.containerv.linux.plan;

import dev.containerv.linux.cgroup.CgroupMount;
import dev.containerv.linux.cgroup.ContainerCgroup;

import java.nio.file.Path;
import java.util.Map;

/**
 * The container's cgroup in its launch plan: the {@code cgroup.procs} files the supervisor moves the init into before
 * it lets it go (so no process of the container ever runs outside its cgroup), the directories the supervisor
 * empties and removes when the init is gone, and, for a container with a cgroup namespace, its read-only view of
 * {@code /sys/fs/cgroup}.
 */
public final class CgroupSetup {
    /** Where a container with a cgroup namespace sees its own cgroup. */
    public static final String CGROUP_ROOT = "/sys/fs/cgroup";
    /** The size of the tmpfs that holds the per-hierarchy mount points of a v1 or hybrid view. */
    private static final long MOUNT_POINTS_TMPFS_BYTES = 64 * 1024;

    private CgroupSetup() {
    }

    /**
     * Adds the cgroup to a plan.
     *
     * @param view {@code true} when the container has a cgroup namespace: then {@value #CGROUP_ROOT} shows only its
     *             own cgroup, read-only. On a v2-only host that is its directory bound at {@value #CGROUP_ROOT}; on a
     *             hybrid or v1 host, a small tmpfs at {@value #CGROUP_ROOT} holds one read-only bind of the
     *             container's directory per hierarchy, named as the host names it ({@code memory},
     *             {@code unified}, ...)
     */
    public static LaunchPlan apply(LaunchPlan plan, ContainerCgroup cgroup, boolean view) {
        Map<CgroupMount, Path> dirs = cgroup.directoriesByHierarchy();
        for (Path dir : dirs.values()) {
            plan.cgroupProcs(dir.resolve("cgroup.procs"));
        }
        // Removed v2 first: its cgroup.kill empties every hierarchy at once, after which the v1 rmdirs cannot be busy.
        dirs.entrySet().stream().filter(e -> e.getKey().unified()).forEach(e -> plan.cleanupRmdir(e.getValue()));
        dirs.entrySet().stream().filter(e -> !e.getKey().unified()).forEach(e -> plan.cleanupRmdir(e.getValue()));
        if (view) {
            boolean unifiedOnly = dirs.keySet().stream().allMatch(CgroupMount::unified);
            if (unifiedOnly) {
                dirs.values().forEach(d -> plan.bind(d, CGROUP_ROOT, true));
            } else {
                plan.tmpfs(CGROUP_ROOT, MOUNT_POINTS_TMPFS_BYTES, 0755);
                dirs.forEach((m, d) -> plan.bind(d, CGROUP_ROOT + "/" + m.mountPoint().getFileName(), true));
            }
        }
        return plan;
    }
}
