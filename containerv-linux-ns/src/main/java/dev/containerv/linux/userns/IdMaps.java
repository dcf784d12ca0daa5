package dev.containerv.linux.userns;

import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.IdMapping;

import java.util.List;
import java.util.Optional;

/**
 * A spec's uid and gid mappings as linux-ns uses them: checked for what the kernel and the helper need beyond the
 * API's own checks (which already refuse mappings without {@code USERS}, empty counts and overlaps), and rendered as
 * the lines of {@code /proc/<pid>/uid_map} in the kernel's column order: inside (container), outside (host), count.
 *
 * @param uid the uid mappings, in the spec's order
 * @param gid the gid mappings, in the spec's order
 */
public record IdMaps(List<IdMapping> uid, List<IdMapping> gid) {
    /** The kernel's limit of lines in one {@code uid_map} or {@code gid_map} (since Linux 4.15). */
    public static final int MAX_LINES = 340;

    public IdMaps {
        uid = List.copyOf(uid);
        gid = List.copyOf(gid);
    }

    /**
     * The maps of a spec with {@code Capability.USERS}, or empty without it.
     *
     * @throws ContainerException {@code INVALID_SPEC} naming the field: USERS without uid or gid mappings (linux-ns
     *                            has no default range), container id 0 unmapped (the container's init runs as its
     *                            root), a mapping whose host range holds host id 0 (the host's root), or more
     *                            than {@value #MAX_LINES} mappings
     */
    public static Optional<IdMaps> of(ContainerSpec spec) {
        if (!spec.has(Capability.USERS)) {
            return Optional.empty();
        }
        check("uidMappings", spec.uidMappings());
        check("gidMappings", spec.gidMappings());
        return Optional.of(new IdMaps(spec.uidMappings(), spec.gidMappings()));
    }

    private static void check(String field, List<IdMapping> mappings) {
        if (mappings.isEmpty()) {
            throw ContainerException.invalidSpec(field, mappings, "at least one mapping with Capability.USERS (linux-ns has no default "
                    + "range; e.g. new IdMapping(0, 100000, 65536))");
        }
        if (mappings.size() > MAX_LINES) {
            throw ContainerException.invalidSpec(field, mappings.size() + " mappings", "at most " + MAX_LINES + " (the kernel's limit)");
        }
        for (IdMapping m : mappings) {
            // Host id 0 behind any container id is the host's root (uid) or root group (gid): a process running with
            // it owns root's files on the host and its files (setuid ones too) land there as root's. A mapping that
            // names it undoes the user namespace; a container meant to run as the host's root leaves USERS out.
            if (m.hostStart() == 0) {
                throw ContainerException.invalidSpec(field, m, "mappings whose host range leaves out host id 0 ("
                        + m + " maps container id " + m.containerStart() + " to the host's root, which a user namespace "
                        + "exists to keep out; map to an unused range, e.g. new IdMapping(0, 100000, 65536), or leave "
                        + "Capability.USERS out for a container whose root is the host's root)");
            }
        }
        if (mappings.stream().noneMatch(m -> m.containerStart() == 0)) {
            throw ContainerException.invalidSpec(field, mappings, "a mapping of container id 0 (the container's init and its "
                    + "processes run as the container's root unless told otherwise)");
        }
    }

    /** The host uid that container uid 0 maps to: owner of the writable layer's root. */
    public long rootUid() {
        return hostIdOfZero(uid);
    }

    /** The host gid that container gid 0 maps to. */
    public long rootGid() {
        return hostIdOfZero(gid);
    }

    private static long hostIdOfZero(List<IdMapping> mappings) {
        return mappings.stream().filter(m -> m.containerStart() == 0).findFirst().orElseThrow().hostStart();
    }

    /** One line per mapping, {@code <inside> <outside> <count>}: exactly what {@code /proc/<pid>/uid_map} lists. */
    public static List<String> lines(List<IdMapping> mappings) {
        return mappings.stream().map(m -> m.containerStart() + " " + m.hostStart() + " " + m.count()).toList();
    }
}
