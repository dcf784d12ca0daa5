package dev.containerv.linux.cgroup;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One mounted cgroup hierarchy, from a line of {@code /proc/self/mountinfo}.
 *
 * @param version     1 for a {@code cgroup} (v1) mount, 2 for the {@code cgroup2} (unified) mount
 * @param mountPoint  where it is mounted, such as {@code /sys/fs/cgroup/memory}
 * @param root        which cgroup of the hierarchy is the mount's root ({@code /} unless mounted from inside a
 *                    cgroup namespace or bound from a subtree)
 * @param controllers v1: the controllers bound to this hierarchy ({@code cpu}, {@code cpuacct}, ...; empty for
 *                    a named hierarchy such as {@code name=systemd}); v2: always empty, since which controllers
 *                    the unified tree offers is read from its {@code cgroup.controllers}
 * @param name        the {@code name=} of a v1 hierarchy, such as {@code systemd}
 */
public record CgroupMount(int version, Path mountPoint, String root, Set<String> controllers, Optional<String> name) {
    public CgroupMount {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("cgroup version must be 1 or 2, not " + version);
        }
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(root, "root");
        controllers = Set.copyOf(controllers);
        Objects.requireNonNull(name, "name");
    }

    /** {@code true} for the unified (v2) hierarchy. */
    public boolean unified() {
        return version == 2;
    }

    /** A short description for messages: {@code cgroup2 at /sys/fs/cgroup/unified}, {@code cgroup v1 memory at ...}. */
    public String describe() {
        if (unified()) {
            return "cgroup2 at " + mountPoint;
        }
        String what = controllers.isEmpty() ? name.map(n -> "name=" + n).orElse("(no controller)")
                : String.join(",", new java.util.TreeSet<>(controllers));
        return "cgroup v1 " + what + " at " + mountPoint;
    }
}
