package dev.containerv.linux.rootless;

import dev.containerv.linux.plan.LaunchPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A rootless container's view of a root file system that has mounts below it, such as the host's own {@code /}
 * (the default of {@code containerv run}). In a user namespace the kernel refuses an overlay whose lower directory
 * has mounts below it ({@code overlayfs: failed to clone lowerpath}: they are locked to the namespace), so the view
 * is composed, one top-level entry at a time, on an empty writable root:
 * <ul>
 * <li>a directory with no mount below it: an overlay of its own with a private writable layer ({@code overlay-dir}) on
 *     the tmpfs that holds the root's writable layer too ({@code tmpfs-upper}): outside every host directory, so the
 *     directory holding the layer root (the user's home) is an overlay as well (overlayfs refuses an upper directory
 *     inside its lower one). An overlay, unlike a bind, lets no Unix socket connect and no lock reach the host's file;
 * <li>a directory with mounts below it: the host's, bound read-only with what is mounted below it (its sockets and
 *     locks reach the host's: see linux-provider.md);
 * <li>a directory the user cannot read: an empty directory (the kernel would refuse the user anyway);
 * <li>a symbolic link: the same link; a file: bound read-only;
 * <li>{@code /proc}, {@code /sys}, {@code /dev}: the container's own (the standard setup).
 * </ul>
 * Stateless.
 */
public final class HostRootView {
    /** Top-level directories the standard setup gives the container its own of. */
    private static final Set<String> STANDARD = Set.of("proc", "sys", "dev");

    private HostRootView() {
    }

    /** Whether {@code rootfs} (a real path) has mounts below it, so a rootless overlay of it as a whole is refused. */
    public static boolean needed(Path rootfs, List<Path> mountPoints) {
        return mountPoints.stream().anyMatch(m -> m.startsWith(rootfs) && !m.equals(rootfs));
    }

    /**
     * Adds the composed view of {@code rootfs} to {@code plan} and returns the empty directory (made here, under
     * {@code layerDir}) to use as the root overlay's lower directory. The overlays' writable layers go below
     * {@code scratch}, the tmpfs the init mounts for the root's writable layer, which makes them.
     */
    public static Path apply(LaunchPlan plan, Path rootfs, Path layerDir, Path scratch, List<Path> mountPoints) throws IOException {
        Path base = Files.createDirectories(layerDir.resolve("base"));
        List<Path> entries;
        try (Stream<Path> s = Files.list(rootfs)) {
            entries = s.sorted().toList();
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            String at = "/" + name;
            if (STANDARD.contains(name)) {
                continue;
            }
            if (Files.isSymbolicLink(entry)) {
                plan.symlink(Files.readSymbolicLink(entry).toString(), at);
            } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isReadable(entry) || !Files.isExecutable(entry)) {
                    Files.createDirectories(base.resolve(name));
                } else if (needed(entry, mountPoints) || name.contains(",") || name.contains(":")) {
                    plan.bind(entry, at, true);
                } else {
                    plan.overlayDir(entry, scratch.resolve("dirs").resolve(name), at);
                }
            } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) && Files.isReadable(entry)) {
                plan.bind(entry, at, true);
            }
        }
        return base;
    }
}
