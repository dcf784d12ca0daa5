package dev.containerv.linux.rootless;

import dev.containerv.linux.cgroup.CgroupLayout;
import dev.containerv.linux.cgroup.CgroupMount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a normal user may make cgroups here, and why not. Only cgroup v2 can be handed to a user safely: a
 * delegated subtree is the user's own v2 cgroup (from {@code /proc/self/cgroup}) whose directory,
 * {@code cgroup.procs} and {@code cgroup.subtree_control} belong to the user, as systemd makes it for a unit with
 * {@code Delegate=yes}. v1 hierarchies belong to root. Reading only ({@link DelegatedCgroups} uses the subtree).
 * Stateless.
 */
public final class CgroupDelegation {
    /** How a user gets a delegated subtree, for every refusal. */
    static final String HOW = "a normal user gets a delegated cgroup v2 subtree from systemd: run the JVM with "
            + "'systemd-run --user --scope -p Delegate=yes java ...' (needs a systemd user session) or in a unit with Delegate=yes";

    private CgroupDelegation() {
    }

    /**
     * The v2 subtree delegated to {@code euid} that this process works in, else empty: its own v2 cgroup when that is
     * delegated, or the parent of it when this process sits in the subtree's JVM leaf ({@value DelegatedCgroups#JVM_LEAF},
     * where {@link DelegatedCgroups} moved it or the JVM that started it). Any layout with a v2 tree: on a hybrid host
     * the v2 tree offers few controllers (those no v1 hierarchy took), but still the placement, {@code cpu.stat} and
     * {@code cgroup.kill}.
     */
    public static Optional<Path> delegatedSubtree(CgroupLayout layout, long euid) throws IOException {
        if (layout.unified().isEmpty()) {
            return Optional.empty();
        }
        CgroupMount v2 = layout.unified().orElseThrow();
        Optional<String> own = layout.ownCgroup(v2);
        if (own.isEmpty() || own.get().replaceFirst("^/+", "").isEmpty()) {
            return Optional.empty();
        }
        Path dir = v2.mountPoint().resolve(own.get().replaceFirst("^/+", ""));
        if (dir.getFileName().toString().equals(DelegatedCgroups.JVM_LEAF) && dir.getParent().startsWith(v2.mountPoint())
                && !dir.getParent().equals(v2.mountPoint()) && delegated(dir.getParent(), euid)) {
            return Optional.of(dir.getParent());
        }
        return delegated(dir, euid) ? Optional.of(dir) : Optional.empty();
    }

    /** The directory, its {@code cgroup.procs} and {@code cgroup.subtree_control} belong to {@code euid}. */
    private static boolean delegated(Path dir, long euid) throws IOException {
        for (Path p : new Path[] {dir, dir.resolve("cgroup.procs"), dir.resolve("cgroup.subtree_control")}) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || owner(p) != euid) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why resource limits are refused to user {@code euid} on this layout, naming what the host has and how to get a
     * delegated subtree.
     */
    public static String limitsRefusal(CgroupLayout layout, long euid) {
        String why = switch (layout.kind()) {
            case NONE -> "this host has no cgroup file system mounted";
            case LEGACY, HYBRID -> (layout.kind() == CgroupLayout.Kind.HYBRID ? ownV2(layout, euid) + "; " : "")
                    + "this host's cgroup controllers are in cgroup v1 hierarchies ("
                    + layout.legacy().stream().filter(m -> !m.controllers().isEmpty()).map(m -> m.mountPoint().toString()).collect(Collectors.joining(", "))
                    + "), which belong to root and cannot be delegated to a normal user safely"
                    + (layout.kind() == CgroupLayout.Kind.HYBRID ? "; its v2 tree " + layout.unified().orElseThrow().mountPoint()
                    + " offers " + v2Controllers(layout.unified().orElseThrow()) : "")
                    + "; limits for a normal user need a cgroup v2 host (boot with systemd.unified_cgroup_hierarchy=1)";
            case UNIFIED -> ownV2(layout, euid);
        };
        return why + "; " + HOW;
    }

    /** Why this process's own v2 cgroup is not a delegated subtree (called only when it is not). */
    private static String ownV2(CgroupLayout layout, long euid) {
        CgroupMount v2 = layout.unified().orElseThrow();
        String own = layout.ownCgroup(v2).orElse("?");
        Path dir = v2.mountPoint().resolve(own.replaceFirst("^/+", ""));
        try {
            return "this process's cgroup v2 " + dir + " belongs to uid " + owner(dir) + ", not to uid " + euid + " (not delegated)";
        } catch (IOException e) {
            return "this process's cgroup v2 " + dir + " cannot be examined: " + e;
        }
    }

    private static String v2Controllers(CgroupMount v2) {
        try {
            String c = Files.readString(v2.mountPoint().resolve("cgroup.controllers")).strip();
            return c.isEmpty() ? "no controller" : "only " + c;
        } catch (IOException e) {
            return "controllers that cannot be read (" + e.getMessage() + ")";
        }
    }

    private static long owner(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }
}
