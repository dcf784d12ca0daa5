package dev.containerv.linux.state;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Layer;
import dev.containerv.linux.cgroup.HostCgroups;
import dev.containerv.linux.network.HostLinkName;
import dev.containerv.linux.proc.Proc;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The containers' state on the host: claiming a state directory (its {@code mkdir} is the lock on an id), the
 * initial {@link StateFile}, the running containers of a state root, and stale state (a container whose init, or
 * whose creator and supervisor, are gone), which is judged and removed only under the state root's
 * {@link StateRootLock}. Thread-safe.
 */
public final class StateStore {
    private static final System.Logger LOG = System.getLogger(StateStore.class.getName());

    private final Proc proc;
    private final Leftovers leftovers;
    private final HostCgroups cgroups;
    private volatile long creatorStartTime = -1;

    public StateStore(Proc proc, Leftovers leftovers, HostCgroups cgroups) {
        this.proc = proc;
        this.leftovers = leftovers;
        this.cgroups = cgroups;
    }

    /**
     * Removes a container's layer and state trees (mounts first, through the helper) and its cgroup (what still runs
     * in it killed first); returns what failed. The cgroup is found from the id (the state directory's name) and
     * the host's layout, never from a path in the state file.
     */
    public List<Exception> removeLeftovers(StatePaths paths) {
        return removeLeftovers(paths, true);
    }

    /**
     * {@link #removeLeftovers(StatePaths)}, looking for the host side of a veth only when {@code mayHaveLink}: a container
     * without a network namespace of its own never had one (the look hashes the state directory's path, 0.04 ms).
     */
    public List<Exception> removeLeftovers(StatePaths paths, boolean mayHaveLink) {
        Path stateDir = paths.stateDir();
        List<Exception> problems = new ArrayList<>(cgroups.removeDead(stateDir.getFileName().toString()));
        // The layer's trees of this version and of earlier ones (StatePaths), then the state directory.
        List<Path> trees = new ArrayList<>(paths.layerTrees());
        trees.add(stateDir);
        problems.addAll(leftovers.remove(trees.toArray(Path[]::new)));
        if (mayHaveLink) {
            problems.addAll(leftovers.removeLink(HostLinkName.of(stateDir)));
        }
        return problems;
    }

    /** Removes trees (mounts first, through the helper); returns what failed. */
    public List<Exception> removeTrees(Path... trees) {
        return leftovers.remove(trees);
    }

    /**
     * Makes {@code stateDir} (and the layer root) under the state root's lock. An existing one is cleaned and
     * claimed once if it is stale; otherwise the id is taken ({@code ALREADY_EXISTS}).
     */
    public void claim(String op, String id, Path stateRoot, Path layerRoot, StatePaths paths) {
        claim(op, id, stateRoot, layerRoot, paths, Set.of());
    }

    /**
     * {@link #claim(String, String, Path, Path, StatePaths)}, where the roots in {@code judged} were found existing and
     * judged as they are by the caller: only the others are judged here, once they exist.
     */
    public void claim(String op, String id, Path stateRoot, Path layerRoot, StatePaths paths, Set<Path> judged) {
        try (StateRootLock held = StateRootLock.acquire(stateRoot, judged.contains(stateRoot))) {
            claimLocked(op, id, layerRoot, paths, !judged.contains(layerRoot));
        } catch (IOException e) {
            throw ContainerException.builder(ioKind(e), "cannot lock the state root " + stateRoot + ": " + e)
                    .operation(op).containerId(id).cause(e).build();
        }
    }

    private void claimLocked(String op, String id, Path layerRoot, StatePaths paths, boolean judgeLayerRoot) {
        Path stateDir = paths.stateDir();
        for (int attempt = 0; ; attempt++) {
            try {
                Files.createDirectories(layerRoot, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                // As the state root (StateRootLock): judged now that it exists, in case another user made it first.
                if (judgeLayerRoot) {
                    StateRootLock.requireOwnRoot("layer root", layerRoot);
                }
                Files.createDirectory(stateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                return;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 0 && isStale(stateDir)) {
                    LOG.log(Level.INFO, () -> "removing stale state of container " + id + " (its init is gone)");
                    cleanStale(paths);
                    continue;
                }
                throw ContainerException.builder(ErrorKind.ALREADY_EXISTS, "a container with id '" + id + "' exists already (" + stateDir + ")")
                        .operation(op).containerId(id).build();
            } catch (IOException e) {
                throw ContainerException.builder(ioKind(e), "cannot create the state directory " + stateDir + ": " + e)
                        .operation(op).containerId(id).cause(e).build();
            }
        }
    }

    /** The state of a container being created by this process (phase {@code creating}). */
    public StateFile creating(ContainerSpec spec, Path rootfs, long stopGraceMs) {
        long self = ProcessHandle.current().pid();
        List<StateFile.LayerRecord> layers = new ArrayList<>();
        for (Layer l : spec.layers()) {
            layers.add(new StateFile.LayerRecord(l.kind().name(), l.source().map(Path::toString).orElse(null),
                    l.containerPath().orElse(null), l.access().name(), l.sizeBytes().isPresent() ? l.sizeBytes().getAsLong() : null));
        }
        List<String> caps = spec.capabilities().stream().map(Enum::name).sorted().toList();
        long selfStart = creatorStartTime;
        if (selfStart < 0) {
            // This JVM's start time does not change: read once, not per create.
            creatorStartTime = selfStart = proc.startTime(self).orElse(0);
        }
        return new StateFile(1, spec.id(), StateFile.CREATING, self, selfStart, 0, 0, 0, Instant.now().toString(),
                spec.persistent(), spec.hostname(), rootfs.toString(), caps, layers, stopGraceMs);
    }

    /**
     * The state of a running container, or {@code NOT_FOUND} (no such id, still being created, or stopped: then its
     * stale state is removed on the way).
     */
    public StateFile running(String op, String id, Path stateRoot, Path layerRoot) {
        Path stateDir = stateRoot.resolve(id);
        StateFile s;
        try {
            s = StateFile.read(stateDir);
        } catch (NoSuchFileException e) {
            if (Files.isDirectory(stateDir)) {
                cleanIfStale(StatePaths.of(stateRoot, layerRoot, id));
            }
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "no container with id '" + id + "' under " + stateRoot)
                    .operation(op).containerId(id).build();
        } catch (IOException e) {
            throw ContainerException.builder(ioKind(e), "cannot read the state of container " + id + ": " + e).operation(op).containerId(id).cause(e).build();
        }
        if (!StateFile.RUNNING.equals(s.phase())) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "container '" + id + "' is still being created").operation(op).containerId(id).build();
        }
        if (!proc.alive(s.initPid(), s.initStartTime())) {
            cleanIfStale(StatePaths.of(stateRoot, layerRoot, id));
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "container '" + id + "' has stopped (its init, pid " + s.initPid()
                    + ", is gone); its stale state was removed").operation(op).containerId(id).build();
        }
        return s;
    }

    /** The ids of the running containers under {@code stateRoot}, sorted; stale state met on the way is removed. */
    public List<String> list(Path stateRoot, Path layerRoot) {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(stateRoot)) {
            return ids;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(stateRoot, Files::isDirectory)) {
            for (Path dir : ds) {
                String id = dir.getFileName().toString();
                if (!ContainerSpec.isValidId(id)) {
                    continue;
                }
                try {
                    StateFile s = StateFile.read(dir);
                    if (StateFile.RUNNING.equals(s.phase()) && proc.alive(s.initPid(), s.initStartTime())) {
                        ids.add(id);
                        continue;
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, () -> "no readable state in " + dir + ": " + e);
                }
                if (isStale(dir)) {
                    cleanIfStale(StatePaths.of(stateRoot, layerRoot, id));
                }
            }
        } catch (IOException e) {
            throw ContainerException.builder(ioKind(e), "cannot list " + stateRoot + ": " + e).operation("linux::Runtime::list").cause(e).build();
        }
        Collections.sort(ids);
        return ids;
    }

    /**
     * Stale: its init is gone (running state), or it was being created by a process that is gone and no
     * supervisor of it is alive. A directory without readable state older than a minute is stale too.
     */
    public boolean isStale(Path stateDir) {
        StateFile s;
        try {
            s = StateFile.read(stateDir);
        } catch (IOException e) {
            try {
                return Files.getLastModifiedTime(stateDir).toInstant().isBefore(Instant.now().minusSeconds(60));
            } catch (IOException gone) {
                return false;
            }
        }
        if (StateFile.RUNNING.equals(s.phase())) {
            return !proc.alive(s.initPid(), s.initStartTime());
        }
        boolean creatorAlive = proc.alive(s.creatorPid(), s.creatorStartTime());
        boolean supervisorAlive = s.supervisorPid() > 0 && proc.startTime(s.supervisorPid()).isPresent();
        return !creatorAlive && !supervisorAlive;
    }

    /**
     * Removes the state if it is stale, judged again under the state root's lock: between a first look and the
     * removal, another process may have replaced the dead container's state with a new container's.
     */
    private void cleanIfStale(StatePaths paths) {
        Path stateDir = paths.stateDir();
        try (StateRootLock held = StateRootLock.acquire(stateDir.getParent())) {
            if (isStale(stateDir)) {
                cleanStale(paths);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, () -> "cannot lock " + stateDir.getParent() + " to remove stale state of " + stateDir + ": " + e);
        }
    }

    /** Removes a stale container's state and layers; the caller holds the state root's lock. */
    private void cleanStale(StatePaths paths) {
        Path stateDir = paths.stateDir();
        List<Exception> left = removeLeftovers(paths);
        if (!left.isEmpty()) {
            LOG.log(Level.WARNING, () -> "could not remove all stale state of " + stateDir + ": " + left);
        }
    }

    /** The error kind of a failed file operation. */
    public static ErrorKind ioKind(IOException e) {
        if (e instanceof AccessDeniedException) {
            return ErrorKind.PERMISSION_DENIED;
        }
        if (e instanceof NoSuchFileException) {
            return ErrorKind.NOT_FOUND;
        }
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left") ? ErrorKind.RESOURCE_LIMIT : ErrorKind.PLATFORM_FAILURE;
    }
}
