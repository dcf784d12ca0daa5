package dev.containerv.linux.userns;

import dev.containerv.api.IdMapping;
import dev.containerv.linux.plan.LaunchPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What a container with a user namespace needs in its plan and on disk, decided here: the {@code uid-map} and
 * {@code gid-map} lines, the rootfs seen through the maps ({@code idmap-lower}), read-only host directories seen
 * through them too ({@code bind-idmap}), read-write ones bound as they are (so a file the container writes there
 * belongs to its mapped id on the host, never to host root), and the writable layer's root owned by the
 * container's root.
 */
public final class UserNamespaceSetup {
    private UserNamespaceSetup() {
    }

    /** Adds the maps and the idmapped lower dir to a plan. */
    public static LaunchPlan apply(LaunchPlan plan, IdMaps maps) {
        for (IdMapping m : maps.uid()) {
            plan.uidMap(m.containerStart(), m.hostStart(), m.count());
        }
        for (IdMapping m : maps.gid()) {
            plan.gidMap(m.containerStart(), m.hostStart(), m.count());
        }
        return plan.idmapLower();
    }

    /**
     * Rootless with subordinate ids: the maps, written by the setuid tools into the supervisor's own namespace
     * ({@code userns-self}). No idmapped mounts (a normal user cannot idmap the host's mounts): the rootfs and binds
     * show their host owners through the maps, so the user's files belong to container root.
     */
    public static LaunchPlan applyRootless(LaunchPlan plan, IdMaps maps, dev.containerv.linux.rootless.SubordinateIds.Tools tools) {
        for (IdMapping m : maps.uid()) {
            plan.uidMap(m.containerStart(), m.hostStart(), m.count());
        }
        for (IdMapping m : maps.gid()) {
            plan.gidMap(m.containerStart(), m.hostStart(), m.count());
        }
        return plan.usernsSelf().mapTools(tools.newuidmap(), tools.newgidmap());
    }

    /**
     * A host directory layer: read-only ones appear owned through the maps (an idmapped mount is never writable
     * here, so nothing written can land on the host as a mapped-back id); read-write ones are plain binds.
     */
    public static LaunchPlan bind(LaunchPlan plan, Path hostSource, String containerPath, boolean readOnly) {
        return readOnly ? plan.bindIdmap(hostSource, containerPath) : plan.bind(hostSource, containerPath, false);
    }

    /**
     * Makes the writable layer's upper directory (the container's {@code /} as the overlay shows it) belong to the
     * container's root; the directory is containerv's own and empty.
     */
    public static void ownUpper(Path upper, IdMaps maps) throws IOException {
        Files.setAttribute(upper, "unix:uid", (int) maps.rootUid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(upper, "unix:gid", (int) maps.rootGid(), LinkOption.NOFOLLOW_LINKS);
    }
}
