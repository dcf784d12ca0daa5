package dev.containerv.linux.plan;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.Layer;
import dev.containerv.linux.LinuxOptions;
import dev.containerv.linux.network.NetworkSetup;
import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.rootless.HostRootView;
import dev.containerv.linux.rootless.SubordinateIds;
import dev.containerv.linux.state.StatePaths;
import dev.containerv.linux.userns.IdMaps;
import dev.containerv.linux.userns.UserNamespaceSetup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a validated spec into its launch plan: namespaces from the capabilities, the overlay (the spec's root
 * layers as lowers; upper and work on disk, or on a tmpfs when a root layer contains the layer directory; none at all for
 * a read-only root, which has no layer directory either), the standard file systems
 * ({@link StandardSetup}), the layers in the spec's order, the stop grace, and the trees the supervisor removes.
 * Creates the layer directories the plan names.
 */
public final class PlanBuilder {
    /** How long a SPAWN waits for its stream connections, and an unclaimed stream connection is kept. */
    private static final long STREAM_TIMEOUT_MS = 10_000;

    private PlanBuilder() {
    }

    /** The plan for a validated spec whose rootfs real path is {@code rootfs}. */
    public static LaunchPlan plan(ContainerSpec spec, Path rootfs, LinuxOptions options, Path stateDir, Path layerDir, Path socket) throws IOException {
        return plan(spec, rootfs, options, stateDir, layerDir, socket, false, null);
    }

    /**
     * The plan, for a rootless container when {@code rootless} (a helper running in a user namespace of its own): the
     * overlay with {@code userxattr} and the standard file systems a user namespace allows ({@link StandardSetup}); the
     * spec's mappings are then written by the tools {@code grants} found (read once for the create, checked by
     * {@code RootlessSpec}; may be {@code null} for a spec without mappings).
     */
    public static LaunchPlan plan(ContainerSpec spec, Path rootfs, LinuxOptions options, Path stateDir, Path layerDir, Path socket,
                                  boolean rootless, SubordinateIds.Grants grants) throws IOException {
        LaunchPlan plan = new LaunchPlan(spec.id(), spec.hostname());
        if (spec.has(Capability.NETWORK)) {
            plan.namespace("net");
        }
        if (spec.has(Capability.IPC)) {
            plan.namespace("ipc");
        }
        if (spec.has(Capability.CGROUPS)) {
            plan.namespace("cgroup");
        }
        Optional<IdMaps> maps = IdMaps.of(spec);
        plan.stateDir(stateDir, socket);
        // Where the overlay is mounted when the writable layer lies on a tmpfs (the layer directory itself holds that tmpfs's
        // mount point, which later overlay-dir lines name by its host path).
        Path merged = layerDir.resolve("merged");
        Path upper = StatePaths.upperOf(layerDir);
        Path work = StatePaths.workOf(layerDir);
        List<Path> lowers = upperRootLayers(spec);
        plan.lowers(lowers);
        boolean layerOnDisk = false;
        List<Path> mountPoints = rootless && lowers.isEmpty() ? Proc.HOST.mountPoints() : List.of();
        boolean readOnlyRoot = spec.readOnlyRoot();
        if (rootless && lowers.isEmpty() && HostRootView.needed(rootfs, mountPoints)) {
            // The host's root (or any tree with mounts below it): composed, as a user namespace allows.
            // Every writable layer of the view on one tmpfs, outside every host directory (the home holding the layer root too).
            Files.createDirectories(layerDir);
            Path scratch = Files.createDirectories(layerDir.resolve("scratch"));
            Files.createDirectories(merged);
            Path base = HostRootView.apply(plan, rootfs, layerDir, scratch, mountPoints);
            plan.overlayOnTmpfs(base, scratch, 0, merged);
            if (readOnlyRoot) {
                // The view's mount points are made in its tmpfs layer first; then the root and its overlays are made read-only.
                plan.rootReadOnlyAfterSetup();
            }
        } else if (readOnlyRoot) {
            // No writable layer: the rootfs (or the overlay of the root layers, without an upper) read-only, mounted on the
            // rootfs itself in the init's mount namespace; nothing is made on the layer root's disk, nothing removed after.
            // The host's own root is the helper's root directory, whose lookups never see a mount stacked on it: that one
            // goes on a directory of the state directory instead (removed with it; a tmpfs as root).
            if (rootfs.getParent() == null) {
                // The host's root as an overlay, as the writable view is, not a clone of its mount: through a bind the host's
                // Unix sockets connect and its file locks are shared. overlayfs takes / as a lower only beside an upper on
                // another file system: a tmpfs in the state directory that holds the mount points alone, the root made
                // read-only after the setup (as a rootless host-root view is).
                Path scratch = Files.createDirectories(stateDir.resolve("scratch"));
                plan.overlayOnTmpfs(rootfs, scratch, 0, Files.createDirectories(stateDir.resolve("root")));
                plan.rootReadOnlyAfterSetup();
            } else {
                plan.readOnlyRoot(rootfs, rootfs);
            }
        } else if (nested(layerDir, upper, work, lowers, rootfs)) {
            Path scratch = layerDir.resolve("scratch");
            Files.createDirectories(scratch);
            Files.createDirectories(merged);
            plan.overlayOnTmpfs(rootfs, scratch, 0, merged);
        } else {
            layerOnDisk = true;
            Files.createDirectories(upper);
            Files.createDirectories(work);
            // Only upper and work on the layer root's disk, where each directory removed costs a journal update (and, on a
            // file system mounted with discard, such as the CI machine's, a synchronous discard, 0.16 ms each under load):
            // the overlay is mounted on the upper directory itself, in the init's mount namespace only, where it hides the
            // upper directory that overlayfs was given as a descriptor opened before. No directory is made for it.
            plan.overlay(rootfs, upper, work, upper);
            if (maps.isPresent() && !rootless) {
                UserNamespaceSetup.ownUpper(upper, maps.get());
            }
        }
        if (KernelRelease.RUNNING.hasVolatileOverlay() && plan.hasWritableLayer()) {
            // The writable layer is removed with the container: no unmount waits for it to reach the disk.
            plan.overlayVolatile();
        }
        if (rootless && maps.isPresent()) {
            // The spec's maps (container 0 is the user, RootlessSpec checked the ranges), written by newuidmap/newgidmap.
            UserNamespaceSetup.applyRootless(plan, maps.get(), grants.tools().orElseThrow(
                    () -> new IOException("newuidmap or newgidmap vanished from " + SubordinateIds.BINARIES)));
            plan.overlayUserXattr();
        } else if (rootless) {
            // The user's own uid and gid as 0, the only maps a user may write without privileges (setgroups denied first).
            plan.uidMap(0, Proc.HOST.euid(), 1).gidMap(0, Proc.HOST.egid(), 1).setgroupsDeny().usernsSelf();
            plan.overlayUserXattr();
        } else {
            maps.ifPresent(m -> UserNamespaceSetup.apply(plan, m));
        }
        StandardSetup.apply(plan, rootless, spec.has(Capability.NETWORK), spec.has(Capability.IPC));
        for (Layer l : spec.layers()) {
            String at = l.containerPath().orElseThrow();
            if (l.kind() == Layer.Kind.HOST_DIRECTORY) {
                Path source = l.source().orElseThrow().toAbsolutePath();
                boolean readOnly = l.access() == Access.READ_ONLY;
                if (maps.isPresent() && !rootless) {
                    UserNamespaceSetup.bind(plan, source, at, readOnly);
                } else {
                    plan.bind(source, at, readOnly);
                }
            } else if (l.kind() == Layer.Kind.TMPFS) {
                plan.tmpfs(at, l.sizeBytes().orElse(0), 01777);
            }
        }
        if (spec.network().isPresent()) {
            NetworkSetup.apply(plan, spec.network().get(), spec.hostname(), stateDir);
        }
        plan.persistent(spec.persistent());
        plan.stopGraceMs(options.stopGrace().toMillis());
        plan.streamTimeoutMs(STREAM_TIMEOUT_MS);
        if (layerOnDisk) {
            plan.cleanupTree(upper);
            plan.cleanupTree(work);
        } else {
            plan.cleanupTree(layerDir);
        }
        plan.cleanupTree(stateDir);
        return plan;
    }

    /** The real paths of the spec's root layers above the base, top first (the overlay's lowers over {@code rootfs}). */
    static List<Path> upperRootLayers(ContainerSpec spec) throws IOException {
        List<Path> all = spec.rootfsLayers();
        List<Path> real = new ArrayList<>(all.size() - 1);
        for (Path p : all.subList(0, all.size() - 1)) {
            real.add(p.toRealPath());
        }
        return real;
    }

    /**
     * Whether the layer's entries ({@code <id>}, or its upper and work directories) would lie inside, or around, one of the
     * root's layers: overlayfs refuses an upper or work dir there, so the writable layer then lives on a tmpfs. Only the layer
     * root is made here (it is the user's, and holds every container's layer).
     */
    private static boolean nested(Path layerDir, Path upper, Path work, List<Path> lowers, Path rootfs) throws IOException {
        Path layerRootReal = Files.createDirectories(layerDir.getParent()).toRealPath();
        List<Path> roots = concat(lowers, rootfs);
        for (Path mine : List.of(layerDir, upper, work)) {
            Path real = layerRootReal.resolve(mine.getFileName());
            for (Path lower : roots) {
                if (real.startsWith(lower) || lower.startsWith(real)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<Path> concat(List<Path> lowers, Path base) {
        List<Path> all = new ArrayList<>(lowers);
        all.add(base);
        return all;
    }
}
