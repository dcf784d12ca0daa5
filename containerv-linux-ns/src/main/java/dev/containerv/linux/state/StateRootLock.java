package dev.containerv.linux.state;

import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.rootless.UserPlaces;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock of one state root, held while a state directory is judged stale and removed, and while one is
 * claimed by {@code create}. Without it, a process removing a dead container's state could remove the fresh
 * state of a container another process just created under the same id. An {@code fcntl} lock on
 * {@code <stateRoot>.lock}, beside the root (where lock files usually are, as {@code /run/xtables.lock}), serialises
 * processes; since such locks belong to the whole JVM, a lock per root serialises the threads of this one
 * first. The file stays: removing a lock file others may hold is never safe. Not reentrant.
 */
public final class StateRootLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private StateRootLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /** Blocks until this thread holds the lock of {@code stateRoot}, creating the root (0700) if needed. */
    public static StateRootLock acquire(Path stateRoot) throws IOException {
        return acquire(stateRoot, false);
    }

    /**
     * {@link #acquire(Path)}, for a caller that found the root existing and judged it as it is ({@code judged}): it is
     * not judged again (nobody but its owner and root can change or replace a trusted root that exists).
     */
    public static StateRootLock acquire(Path stateRoot, boolean judged) throws IOException {
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(stateRoot.toAbsolutePath().normalize(), k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(stateRoot, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // Judged again now that it exists: the checks before the create passed a root that did not exist yet, and
            // under a sticky parent (the rootless fallback /tmp/containerv-<uid>) another user can make it in between,
            // with a lock file of theirs beside it, and then rename what this process puts in it.
            if (!judged) {
                requireOwnRoot("state root", stateRoot);
            }
            // Not through a link, and only a file of the root's owner: the lock file sits beside the root, where a sticky
            // parent such as /tmp lets others put a file or link of theirs first.
            Path file = fileOf(stateRoot);
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                Object rootOwner = Files.getAttribute(stateRoot, "unix:uid");
                if (!owner.equals(rootOwner)) {
                    throw new AccessDeniedException(file.toString(), null, "the lock file belongs to uid " + owner
                            + ", not to uid " + rootOwner + " who owns the state root; remove it");
                }
                return new StateRootLock(local, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    /**
     * A root ({@code what}: "state root", "layer root") must be a directory of this process's user that neither group
     * nor others may write: the rule of {@link UserPlaces#ownProblem}, judged here once the root exists.
     */
    static void requireOwnRoot(String what, Path root) throws IOException {
        long euid = Proc.HOST.euid();
        Optional<String> problem = UserPlaces.ownProblem(root, euid);
        if (problem.isPresent()) {
            // Read again for the message only: who has it, and how open it is.
            Map<String, Object> a = Files.readAttributes(root, "unix:uid,mode");
            throw new AccessDeniedException(root.toString(), null, String.format("the %s must be a directory of uid %d"
                    + " closed to group and others, but it belongs to uid %d (mode %06o): %s; remove it", what, euid,
                    ((Number) a.get("uid")).longValue(), (Integer) a.get("mode"), problem.get()));
        }
    }

    /** {@code /run/containerv.lock} for {@code /run/containerv}. */
    public static Path fileOf(Path stateRoot) {
        Path root = stateRoot.toAbsolutePath().normalize();
        return root.getFileName() == null ? root.resolve(".containerv.lock") : root.resolveSibling(root.getFileName() + ".lock");
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            local.unlock();
        }
    }
}
