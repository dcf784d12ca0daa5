package dev.containerv.linux.rootless;

import dev.containerv.linux.cgroup.CgroupFiles;
import dev.containerv.linux.cgroup.CgroupLayout;
import dev.containerv.linux.cgroup.CgroupManager;
import dev.containerv.linux.cgroup.HostCgroups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * A normal user's cgroups, in the cgroup v2 subtree delegated to it ({@link CgroupDelegation#delegatedSubtree}), laid
 * out as systemd's delegation notes advise a container manager to (one leaf for the manager, a sibling per payload):
 * <pre>
 *   &lt;subtree&gt;/{@value #JVM_LEAF}                 this JVM, moved there at the first use of cgroups
 *   &lt;subtree&gt;/{@value CgroupManager#DEFAULT_PARENT}/&lt;id&gt;    each container (its helper's init is cloned into it)
 * </pre>
 * Why the move: cgroup v2 lets a cgroup enable controllers for its children only while it holds no process itself
 * (the no-internal-processes rule; writing {@code cgroup.subtree_control} fails with EBUSY otherwise), and a JVM
 * started with {@code systemd-run --user --scope -p Delegate=yes java ...} sits in the subtree's own cgroup. Only this
 * JVM is moved, never another process of the subtree: one left there makes a limit that needs a controller
 * {@code NOT_SUPPORTED} naming its pid. A JVM started from a moved one (the CLI, a build's forked JVM) starts in the
 * leaf and finds the same subtree, so every JVM of the subtree sees the same containers (for stats, kill and the
 * stale-state cleanup). Without a delegated subtree, limits are refused naming how to get one.
 */
public final class DelegatedCgroups {
    /** The leaf of the delegated subtree that this JVM moves into. */
    public static final String JVM_LEAF = "jvm";

    private DelegatedCgroups() {
    }

    /**
     * The cgroups of user {@code euid} on this layout: in its delegated subtree when it has one (the JVM, {@code pid},
     * moves into the subtree's leaf at the first use), else {@link HostCgroups#unusable} with why and how to get one.
     *
     * @param pid    this process's pid, as the subtree's {@code cgroup.procs} lists it
     * @param files  the file operations ({@link CgroupFiles#HOST} for real)
     * @param killer sends SIGKILL ({@link CgroupManager#SIGKILL} for real)
     */
    public static HostCgroups forUser(CgroupLayout layout, long euid, long pid, CgroupFiles files, LongConsumer killer) throws IOException {
        Optional<Path> subtree = CgroupDelegation.delegatedSubtree(layout, euid);
        if (subtree.isEmpty()) {
            return HostCgroups.unusable(CgroupDelegation.limitsRefusal(layout, euid));
        }
        String relative = layout.unified().orElseThrow().mountPoint().relativize(subtree.get()).toString();
        return new HostCgroups(() -> {
            try {
                leaveSubtreeRoot(files, subtree.get(), pid);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return CgroupManager.delegated(layout, files, relative, killer);
        });
    }

    /**
     * Moves process {@code pid} from the subtree's own cgroup into its leaf {@value #JVM_LEAF} (made if absent); nothing
     * to do when the process is not in the subtree's own cgroup (moved before, or started in the leaf).
     *
     * @throws IOException naming the pid, the leaf and the errno, when the kernel refuses
     */
    static void leaveSubtreeRoot(CgroupFiles files, Path subtree, long pid) throws IOException {
        Path procs = subtree.resolve("cgroup.procs");
        boolean inRoot = files.read(procs).lines().map(String::strip).anyMatch(l -> l.equals(Long.toString(pid)));
        if (!inRoot) {
            return;
        }
        Path leaf = subtree.resolve(JVM_LEAF);
        try {
            try {
                files.mkdir(leaf);
            } catch (FileAlreadyExistsException e) {
                // another JVM of this subtree made it
            }
            files.write(leaf.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException e) {
            IOException wrapped = new IOException("cannot move this JVM (pid " + pid + ") out of its delegated cgroup " + subtree + " into the leaf "
                    + leaf + " (" + e.getMessage() + "); cgroup v2 enables controllers only for a cgroup without processes of its own", e);
            throw wrapped;
        }
    }
}
