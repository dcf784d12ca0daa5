package dev.containerv.linux.state;

import dev.containerv.linux.helper.HelperCommand;
import dev.containerv.linux.proc.Proc;
import dev.containerv.spi.FileTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Removes what a container left on the host when its supervisor could not (it was killed, or the create
 * failed early): the state and layer trees. A tree with a mount at or under it is handed to
 * {@code containerv-helper cleanup}, which detaches the mounts (deepest first) and removes the tree without
 * following symlinks, the same code the supervisor runs; a tree without mounts (the usual case) is removed here,
 * without following symlinks either (the SPI's {@link FileTrees#deleteTree}). Nothing is done for a tree that does not exist, so the common path starts no
 * process.
 */
public final class Leftovers {
    private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(60);

    private final Supplier<Path> helper;
    private final Proc proc;

    /** @param helper the helper binary; asked for only when a tree has mounts */
    public Leftovers(Supplier<Path> helper, Proc proc) {
        this.helper = helper;
        this.proc = proc;
    }

    /** Removes each tree; returns what failed (empty when everything is gone). */
    public List<Exception> remove(Path... trees) {
        List<Exception> problems = new ArrayList<>();
        for (Path dir : trees) {
            // A mount point cannot be removed while mounted, so a missing directory has no mounts: the usual case at
            // create and after the supervisor's own cleanup, where reading the mount table would be wasted work.
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                if (proc.mountsUnder(dir).isEmpty()) {
                    try {
                        FileTrees.deleteTree(dir);
                    } catch (java.nio.file.AccessDeniedException denied) {
                        // Rootless: overlayfs made its work/work directory mode 0000 for the user (root's privilege
                        // ignores that). The user may open its own directories again, then remove them.
                        openOwnDirectories(dir);
                        FileTrees.deleteTree(dir);
                    }
                } else {
                    removeThroughHelper(dir);
                }
            } catch (IOException | RuntimeException e) {
                problems.add(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add(e);
            }
        }
        return problems;
    }

    /**
     * Removes the host side of a dead container's veth pair, through {@code containerv-helper remove-link}, when the
     * host still has it (the kernel removes the pair with the init's network namespace, a little later than the
     * init's death); returns what failed.
     */
    public List<Exception> removeLink(String name) {
        if (!Files.exists(Path.of("/sys/class/net", name), LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try {
            HelperCommand.Result r = HelperCommand.run(List.of(helper.get().toString(), "remove-link", name), CLEANUP_TIMEOUT, true);
            if (r.exitCode() != 0) {
                return List.of(new IOException("containerv-helper remove-link " + name + " failed (exit " + r.exitCode()
                        + (r.timedOut() ? ", timed out" : "") + "): " + r.output().replace('\n', '|')));
            }
            return List.of();
        } catch (IOException | RuntimeException e) {
            return List.of(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(e);
        }
    }

    /** Gives the owner rwx on every directory of the tree that belongs to this process's user, never following links. */
    private void openOwnDirectories(Path tree) throws IOException {
        long euid = proc.euid();
        Files.walkFileTree(tree, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                openIfOwn(d, euid);
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                // a directory the walk could not open (mode 0000) is reported here, not to preVisitDirectory
                if (e instanceof java.nio.file.AccessDeniedException && Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS) && openIfOwn(f, euid)) {
                    openOwnDirectories(f);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean openIfOwn(Path d, long euid) throws IOException {
        if (((Number) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() != euid) {
            return false;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(d, LinkOption.NOFOLLOW_LINKS);
        if (perms.addAll(java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE, java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE))) {
            Files.setPosixFilePermissions(d, perms);
        }
        return true;
    }

    private void removeThroughHelper(Path dir) throws IOException, InterruptedException {
        HelperCommand.Result r = HelperCommand.run(List.of(helper.get().toString(), "cleanup", dir.toString()), CLEANUP_TIMEOUT, true);
        if (r.exitCode() != 0 || Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("containerv-helper cleanup " + dir + " failed (exit " + r.exitCode() + (r.timedOut() ? ", timed out" : "")
                    + "): " + r.output().replace('\n', '|'));
        }
    }
}
