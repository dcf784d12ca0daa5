package dev.containerv.linux.runtime;

import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.linux.LinuxOptions;
import dev.containerv.linux.cgroup.ContainerCgroup;
import dev.containerv.linux.control.ControlConnection;
import dev.containerv.linux.helper.EarlyStart;
import dev.containerv.linux.helper.HelperFailure;
import dev.containerv.linux.helper.HelperLog;
import dev.containerv.linux.helper.InitLauncher;
import dev.containerv.linux.helper.Standbys;
import dev.containerv.linux.helper.StatusLine;
import dev.containerv.linux.network.HostLinks;
import dev.containerv.linux.plan.CgroupSetup;
import dev.containerv.linux.plan.LaunchPlan;
import dev.containerv.linux.plan.PlanBuilder;
import dev.containerv.linux.rootless.RootlessSpec;
import dev.containerv.linux.rootless.SubordinateIds;
import dev.containerv.linux.rootless.UserPlaces;
import dev.containerv.linux.plan.SecuritySetup;
import dev.containerv.linux.spec.SpecChecks;
import dev.containerv.linux.state.StateFile;
import dev.containerv.linux.state.StatePaths;
import dev.containerv.linux.state.StateRootLock;
import dev.containerv.linux.state.StateStore;
import dev.containerv.spi.LifecycleLog;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code create}, in order: spec checks, root, the helper, the supervisor started (before its plan,
 * {@link EarlyStart}; or one started before the create, taken from {@link Standbys}), the state directory claimed, the container's cgroup with its limits, the plan written and sent to the
 * supervisor, {@code state.json} (creating, naming the supervisor), its status line read, the control
 * socket joined, {@code state.json} (running). Any failure after the claim aborts the create: the supervisor
 * is stopped (it kills the init and cleans up) and the leftovers (cgroup included) are removed, so nothing half-made
 * survives.
 */
final class ContainerCreation {
    private static final System.Logger LOG = System.getLogger(ContainerCreation.class.getName());

    /**
     * Owner pipes of the non-persistent containers this JVM made, held strongly: a pipe closed by the garbage
     * collector would stop a container the caller merely stopped referencing. Keyed by state directory.
     */
    static final Map<String, OutputStream> OWNER_PIPES = new ConcurrentHashMap<>();

    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

    private ContainerCreation() {
    }

    static LinuxContainer create(LinuxRuntime runtime, ContainerSpec spec) {
        String op = "linux::Runtime::create";
        String id = spec.id();
        long start = LifecycleLog.start();
        LinuxOptions options = spec.extension(LinuxOptions.class).orElse(runtime.defaults());
        boolean rootless = runtime.euid() != 0;
        // Read once for the create: the USERS check, the mappings' ranges and the plan's tools all ask the same.
        SubordinateIds.Grants grants = rootless && spec.has(Capability.USERS) ? SubordinateIds.Grants.here() : null;
        if (rootless) {
            RootlessSpec.requireCapabilities(spec, runtime.euid(), grants, op, id);
        }
        Path rootfs = SpecChecks.validate(spec, op);
        if (rootless) {
            RootlessSpec.require(spec, runtime.proc(), grants, op, id);
        }
        Set<Path> judgedRoots = runtime.requireTrustedRoots(options, op, id);
        Path helperPath = options.helperPath().isPresent() ? SpecChecks.requireHelper(op, id, options.helperPath().get()) : runtime.helper();
        runtime.requireTrustedHelper(helperPath, op, id);
        // The helper's directory is masked where a container sees it, but only the roots hold other containers.
        List<Path> ownDirs = new ArrayList<>(List.of(options.stateRoot(), options.layerRoot(), helperPath.getParent()));
        // The state root's lock file sits beside it: a container seeing it through a bind (a host-root view, a bind of
        // the root's parent) could hold a lock on it and stall every create and stale-state cleanup of the host.
        ownDirs.add(StateRootLock.fileOf(options.stateRoot()));
        if (rootless) {
            // The user's session sockets (systemd --user, D-Bus, agents, Wayland) are connectable through a bind.
            UserPlaces.runtimeDir(System::getenv).ifPresent(ownDirs::add);
        }
        SecuritySetup.requireOutsideOwnDirectories(spec, rootfs, List.of(options.stateRoot(), options.layerRoot()), op, id);
        StatePaths paths = StatePaths.of(options.stateRoot(), options.layerRoot(), id);
        Path stateDir = paths.stateDir();
        Path layerDir = paths.layerDir();
        Path socket = paths.controlSocket();
        SpecChecks.requireSocketPathFits(options, socket);
        StateStore store = runtime.store();
        if (rootless) {
            // In a delegated cgroup v2 subtree the JVM leaves the subtree's own cgroup at the first use of cgroups
            // (DelegatedCgroups). That must come before this create starts a helper: a supervisor or standby started
            // there stays there, and a process in the subtree's own cgroup keeps it from enabling controllers for its
            // children (cgroup v2's no-internal-processes rule, EBUSY). Once per runtime; later calls only read a field.
            runtime.cgroups().manager();
        }
        // The supervisor starts now (rootless, it makes its user namespace too), while the rest is prepared.
        Path planFile = stateDir.resolve("plan");
        // Only the one mapping a user may write for itself is made before the plan is read; a plan with other maps
        // (subordinate ids) gets its namespace from the plan, after it is read.
        boolean ownIdsOnly = spec.uidMappings().isEmpty() && spec.gidMappings().isEmpty();
        boolean usernsSelf = rootless && ownIdsOnly;
        // A standby started before this create (Standbys) fits when its start did not depend on the spec: the runtime's
        // own helper, and rootless the user's own ids only. It is taken, and the next one started, for the next create.
        boolean standbyFits = Standbys.enabled() && options.helperPath().isEmpty() && (!rootless || ownIdsOnly);
        EarlyStart early = (standbyFits ? runtime.standbys().take(helperPath, usernsSelf, planFile) : Optional.<EarlyStart>empty())
                .orElseGet(() -> EarlyStart.begin(helperPath, planFile, usernsSelf));
        if (standbyFits) {
            // Asked for now, not once this create is done: started later it would not be ready for a create that follows
            // at once. Started on another thread, in parallel with the rest of this create's work before the standby's go
            // (0.1 to 0.15 ms off the create); not after the go, where it slowed the supervisor's setup more than that.
            runtime.standbys().refillInBackground(helperPath, usernsSelf, Standbys.roomFor(options.stateRoot()));
        }
        try {
            store.claim(op, id, options.stateRoot(), options.layerRoot(), paths, judgedRoots);
        } catch (RuntimeException e) {
            early.discard();
            throw e;
        }
        Process helperProcess = null;
        try {
            // Written once the supervisor has its plan (below), naming it: until then the new directory has no
            // state, which a concurrent look judges young, not stale.
            StateFile state = store.creating(spec, rootfs, options.stopGrace().toMillis());
            // The id is ours now; a layer tree without a state dir is debris of an earlier crash (or version).
            List<Exception> debris = store.removeTrees(paths.layerTrees().toArray(Path[]::new));
            if (!debris.isEmpty()) {
                IOException e = new IOException("cannot remove the old layer directories " + paths.layerTrees() + ": " + debris);
                debris.forEach(e::addSuppressed);
                throw e;
            }
            if (spec.network().isPresent()) {
                try {
                    new HostLinks(SYS_CLASS_NET, runtime.proc()).requireFree(spec.network().get(), stateDir);
                } catch (ContainerException e) {
                    throw ContainerException.builder(e.kind(), e.getMessage()).operation(op).containerId(id).cause(e).build();
                }
            }
            LaunchPlan plan = PlanBuilder.plan(spec, rootfs, options, stateDir, layerDir, socket, rootless, grants);
            // Made before the helper starts, so the supervisor can move the init in before it runs anything; removed
            // again by abort (removeLeftovers) if anything later fails.
            Optional<ContainerCgroup> cgroup;
            try {
                cgroup = runtime.cgroups().create(id, spec.limits(), Runtime.getRuntime().availableProcessors());
            } catch (ContainerException e) {
                throw ContainerException.builder(e.kind(), e.getMessage()).operation(op).containerId(id).cause(e).build();
            }
            if (cgroup.isPresent()) {
                CgroupSetup.apply(plan, cgroup.get(), spec.has(Capability.CGROUPS));
            }
            SecuritySetup.apply(plan, spec, rootfs, options, ownDirs, System.getenv());
            Files.writeString(Files.createFile(planFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    plan.render());
            Path log = Files.createFile(stateDir.resolve("helper.log"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // Held open so the log can still be read after the supervisor has removed the state directory.
            try (RandomAccessFile logReader = new RandomAccessFile(log.toFile(), "r")) {
                helperProcess = early.process();
                // Named before the supervisor acts: once told, it may fail and remove the state directory at once.
                state = state.withSupervisor(helperProcess.pid());
                state.writeNew(stateDir);
                early.go(log);
                StatusLine status = InitLauncher.readStatus(helperProcess, op, id, logReader);
                if (status instanceof StatusLine.Error e) {
                    throw createFailed(op, spec, rootfs, e.failure(), helperProcess, stateDir, layerDir, logReader);
                }
                StatusLine.Ready ready = (StatusLine.Ready) status;
                StateFile running = state.running(ready.supervisorPid(), ready.initPid(), ready.initStartTime());
                state = running;
                // Written while the init answers HELLO.
                ControlConnection control = ControlConnection.connect(socket, id, () -> running.write(stateDir));
                if (spec.persistent()) {
                    helperProcess.getOutputStream().close();
                } else {
                    OWNER_PIPES.put(stateDir.toString(), helperProcess.getOutputStream());
                }
                LOG.log(Level.DEBUG, () -> "created container " + id + " (init pid " + ready.initPid() + ")");
                LifecycleLog.created("linux-ns", id, start);
                return new LinuxContainer(runtime, spec, state, paths, () -> helperPath, helperProcess, control);
            }
        } catch (ContainerException e) {
            abort(store, helperProcess, early, paths, e);
            throw e;
        } catch (IOException | RuntimeException e) {
            ContainerException ce = ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot create container " + id + ": " + e.getMessage())
                    .operation(op).containerId(id).cause(e).build();
            abort(store, helperProcess, early, paths, ce);
            throw ce;
        }
    }

    private static ContainerException createFailed(String op, ContainerSpec spec, Path rootfs, HelperFailure f, Process helperProcess,
                                                   Path stateDir, Path layerDir, RandomAccessFile log) {
        // The supervisor cleans up after an error line; its exit says it has finished (exit 2: it has not).
        int code = InitLauncher.waitQuietly(helperProcess, Duration.ofSeconds(30));
        // A read-only root refuses a mount point it lacks (the helper cannot make one in it): the spec's root does not fit.
        boolean missingMountPoint = spec.readOnlyRoot() && f.step().equals("mountpoint") && f.errnoName().equals("EROFS");
        String sentence = missingMountPoint
                ? "the read-only root of container " + spec.id() + " lacks " + f.path() + ", a mount point the container needs: "
                + "with readOnlyRoot(true) every mount point (the standard mounts' directories, the layers' container paths, the "
                + "files bound for a network) must already exist in the rootfs " + rootfs
                : switch (f.step()) {
            case "plan", "usage" -> "the helper rejected the launch plan (a containerv bug; please report it with "
                    + stateDir.resolve("plan") + ")";
            case "bind", "bind-remount-ro" -> "cannot mount a host directory layer into container " + spec.id();
            case "overlay", "tmpfs-upper" -> spec.readOnlyRoot() && !Files.isDirectory(layerDir)
                    ? "cannot mount the read-only root of container " + spec.id() + " from " + spec.rootfsLayers()
                    : "cannot mount rootfs " + rootfs + " with its writable layer under " + layerDir.getParent();
            case "root-readonly" -> f.kind() == ErrorKind.NOT_SUPPORTED
                    ? "cannot give container " + spec.id() + " a read-only root: this kernel lacks open_tree or mount_setattr (Linux 5.12 or later)"
                    : "cannot make the root of container " + spec.id() + " (rootfs " + rootfs + ") read-only";
            case "idmap" -> f.kind() == ErrorKind.NOT_SUPPORTED
                    ? "cannot show " + f.path() + " to container " + spec.id() + " through its id maps: its file system does not "
                    + "support idmapped mounts (Capability.USERS needs them for the rootfs and read-only layers; linux-ns never "
                    + "chowns a tree instead)"
                    : "cannot make an idmapped mount of " + f.path() + " for container " + spec.id();
            case "user-namespace", "enter-userns" -> "cannot give container " + spec.id() + " its user namespace";
            default -> "cannot create container " + spec.id() + " from rootfs " + rootfs;
        };
        ErrorKind kind = missingMountPoint ? ErrorKind.INVALID_SPEC
                : f.step().equals("plan") || f.step().equals("usage") ? ErrorKind.PLATFORM_FAILURE
                : f.step().equals("bind") && f.errnoName().equals("ENOTDIR") ? ErrorKind.INVALID_SPEC : f.kind();
        // The log goes with the state directory: its end travels as the cause, so that it is never lost unseen.
        String tail = InitLauncher.tail(log);
        ContainerException e = f.toException(op, spec.id(), kind, sentence, new HelperLog(tail));
        if (code == 2 || code == 3) {
            LOG.log(Level.DEBUG, () -> "helper exit " + code + " for " + spec.id() + "; cleaning up on the Java side");
        }
        return e;
    }

    private static void abort(StateStore store, Process helperProcess, EarlyStart early, StatePaths paths,
                              ContainerException primary) {
        if (helperProcess == null) {
            // Never told a plan: it exits at the end of its stdin, having made nothing.
            early.discard();
        } else if (helperProcess.isAlive()) {
            // Before ready: the supervisor SIGKILLs the init and cleans up on SIGTERM.
            helperProcess.destroy();
            if (InitLauncher.waitQuietly(helperProcess, Duration.ofSeconds(10)) == Integer.MIN_VALUE) {
                helperProcess.destroyForcibly();
                InitLauncher.waitQuietly(helperProcess, Duration.ofSeconds(5));
            }
        }
        OWNER_PIPES.remove(paths.stateDir().toString());
        store.removeLeftovers(paths).forEach(primary::addSuppressed);
    }
}
