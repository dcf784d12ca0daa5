package dev.containerv.linux.runtime;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.linux.LinuxOptions;
import dev.containerv.linux.control.ControlConnection;
import dev.containerv.linux.cgroup.CgroupFiles;
import dev.containerv.linux.cgroup.CgroupLayout;
import dev.containerv.linux.cgroup.CgroupManager;
import dev.containerv.linux.cgroup.HostCgroups;
import dev.containerv.linux.helper.Standbys;
import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.rootless.DelegatedCgroups;
import dev.containerv.linux.rootless.UserPlaces;
import dev.containerv.linux.spec.SpecChecks;
import dev.containerv.linux.spec.TrustedHostPaths;
import dev.containerv.linux.state.Leftovers;
import dev.containerv.linux.state.StateFile;
import dev.containerv.linux.state.StatePaths;
import dev.containerv.linux.state.StateStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@code linux-ns} runtime, a facade: {@code create} is {@link ContainerCreation}, {@code open} and {@code list}
 * read the {@link StateStore}, and each container is a {@link LinuxContainer} handle. Thread-safe.
 */
public final class LinuxRuntime implements ContainerRuntime {
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK, Capability.IPC, Capability.CGROUPS,
            Capability.USERS));
    private static final Set<RuntimeFeature> FEATURES = Collections.unmodifiableSet(EnumSet.of(
            RuntimeFeature.STATS, RuntimeFeature.PROCESS_LIST, RuntimeFeature.FILE_TRANSFER, RuntimeFeature.OPEN_BY_ID,
            RuntimeFeature.PERSISTENT, RuntimeFeature.HOST_DIRECTORY_LAYERS, RuntimeFeature.TMPFS_LAYERS,
            RuntimeFeature.RUN_AS_USER, RuntimeFeature.POSIX_SIGNALS, RuntimeFeature.RESOURCE_LIMITS,
            RuntimeFeature.SECURITY_POLICY,
            RuntimeFeature.NETWORK_ADDRESSING, RuntimeFeature.ID_MAPPING, RuntimeFeature.LAYERED_ROOTFS,
            RuntimeFeature.READ_ONLY_ROOT));
    /**
     * Rootless, the container's user namespace is the user's alone unless newuidmap/newgidmap and subordinate ranges
     * are there: USERS (spec mappings) is then added ({@link #rootlessIdMapping}).
     */
    private static final Set<Capability> ROOTLESS_CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK, Capability.IPC, Capability.CGROUPS));
    /**
     * What a normal user's containers lack: limits (unless a delegated cgroup v2 subtree offers memory, cpu and pids:
     * {@link #features()}), NETWORK_ADDRESSING (a veth needs the host's network namespace), RUN_AS_USER (without
     * mappings only the user's own uid is mapped, to 0), ID_MAPPING (added with USERS where newuidmap/newgidmap and
     * subordinate ranges are there), LAYERED_ROOTFS (opaque directories of layers unpacked for root are trusted.* xattrs, which
     * an overlay in a user namespace ignores).
     */
    private static final Set<RuntimeFeature> ROOTLESS_FEATURES = Collections.unmodifiableSet(EnumSet.complementOf(EnumSet.of(
            RuntimeFeature.RESOURCE_LIMITS, RuntimeFeature.NETWORK_ADDRESSING, RuntimeFeature.RUN_AS_USER, RuntimeFeature.ID_MAPPING,
            RuntimeFeature.LAYERED_ROOTFS)).stream()
            .filter(FEATURES::contains).collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(RuntimeFeature.class))));
    private static final Set<RuntimeFeature> ROOTLESS_FEATURES_WITH_LIMITS = Collections.unmodifiableSet(
            java.util.stream.Stream.concat(ROOTLESS_FEATURES.stream(), java.util.stream.Stream.of(RuntimeFeature.RESOURCE_LIMITS))
                    .collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(RuntimeFeature.class))));
    private final LinuxOptions defaults;
    private final Supplier<Path> helper;
    private final LongSupplier euid;
    private final Proc proc;
    private final StateStore store;
    private final HostCgroups cgroups;

    /**
     * @param defaults options for specs without a {@link LinuxOptions} extension, and the roots of open/list
     * @param helper   the helper binary; throws a {@link ContainerException} when there is none
     * @param euid     this process's effective uid (a seam for tests)
     * @param proc     the {@code /proc} to read
     */
    public LinuxRuntime(LinuxOptions defaults, Supplier<Path> helper, LongSupplier euid, Proc proc) {
        this(defaults, helper, euid, proc, euid.getAsLong() == 0 ? HostCgroups.host() : userCgroups(euid.getAsLong()));
    }

    /**
     * A normal user's cgroups: in the cgroup v2 subtree delegated to it (the JVM moves into a leaf of it at the first
     * use, see {@link DelegatedCgroups}); none without one, with the reason and how to get one.
     */
    private static HostCgroups userCgroups(long euid) {
        try {
            return DelegatedCgroups.forUser(CgroupLayout.host(), euid, ProcessHandle.current().pid(), CgroupFiles.HOST, CgroupManager.SIGKILL);
        } catch (IOException e) {
            return HostCgroups.unusable("cannot read this host's cgroup layout: " + e);
        }
    }

    /**
     * @param cgroups the host's cgroups ({@link HostCgroups#host()}; a seam for tests that show the runtime only part
     *                of the host's hierarchies)
     */
    public LinuxRuntime(LinuxOptions defaults, Supplier<Path> helper, LongSupplier euid, Proc proc, HostCgroups cgroups) {
        this.defaults = defaults;
        this.helper = helper;
        this.euid = euid;
        this.proc = proc;
        this.cgroups = cgroups;
        this.store = new StateStore(proc, new Leftovers(helper, proc), cgroups);
    }

    @Override
    public String name() {
        return "linux-ns";
    }

    @Override
    public GuestOs guestOs() {
        return GuestOs.LINUX;
    }

    @Override
    public Set<Capability> capabilities() {
        if (euid.getAsLong() == 0) {
            return CAPABILITIES;
        }
        return rootlessIdMapping() ? plus(ROOTLESS_CAPABILITIES, Capability.USERS) : ROOTLESS_CAPABILITIES;
    }

    /**
     * Rootless, RESOURCE_LIMITS is declared only where this user's delegated cgroup v2 subtree offers the memory, cpu
     * and pids controllers (a pure v2 host with systemd's delegation); asking moves the JVM into the subtree's leaf.
     */
    @Override
    public Set<RuntimeFeature> features() {
        if (euid.getAsLong() == 0) {
            return FEATURES;
        }
        Set<RuntimeFeature> features = cgroups.offersLimits() ? ROOTLESS_FEATURES_WITH_LIMITS : ROOTLESS_FEATURES;
        return rootlessIdMapping() ? plus(features, RuntimeFeature.ID_MAPPING) : features;
    }

    /**
     * Whether this normal user's containers may have uid/gid mappings: newuidmap and newgidmap are installed and
     * {@code /etc/subuid} and {@code /etc/subgid} grant the user a range each (read at each call: an administrator may
     * grant one while the JVM runs).
     */
    private boolean rootlessIdMapping() {
        return dev.containerv.linux.rootless.SubordinateIds.unavailableHere(euid.getAsLong()).isEmpty();
    }

    private static <E extends Enum<E>> Set<E> plus(Set<E> set, E more) {
        EnumSet<E> all = EnumSet.copyOf(set);
        all.add(more);
        return Collections.unmodifiableSet(all);
    }

    @Override
    public Container create(ContainerSpec spec) {
        return ContainerCreation.create(this, spec);
    }

    @Override
    public Container open(String id) {
        String op = "linux::Runtime::open";
        ContainerSpec.requireValidId(id);
        requireTrustedRoots(defaults, op, id);
        StateFile s = store.running(op, id, defaults.stateRoot(), defaults.layerRoot());
        StatePaths paths = StatePaths.of(defaults.stateRoot(), defaults.layerRoot(), id);
        try {
            ControlConnection control = ControlConnection.connect(paths.controlSocket(), id);
            return new LinuxContainer(this, s.spec(), s, paths, helper, null, control);
        } catch (IOException e) {
            throw ContainerException.builder(proc.alive(s.initPid(), s.initStartTime()) ? ErrorKind.PLATFORM_FAILURE : ErrorKind.NOT_FOUND,
                    "cannot connect to container " + id + " at " + paths.controlSocket() + ": " + e.getMessage())
                    .operation(op).containerId(id).cause(e).build();
        }
    }

    @Override
    public List<String> list() {
        requireTrustedRoots(defaults, "linux::Runtime::list", null);
        return store.list(defaults.stateRoot(), defaults.layerRoot());
    }

    /**
     * The state and layer roots of {@code options} must deserve root's trust ({@link TrustedHostPaths}), and rootless
     * be the user's own ({@link UserPlaces}).
     *
     * @return the roots that exist, judged as they are: a create's claim judges only the others, once it made them
     */
    Set<Path> requireTrustedRoots(LinuxOptions options, String op, String id) {
        String stateField = "-D" + LinuxOptions.STATE_ROOT_PROPERTY + " or LinuxOptions.stateRoot";
        String layerField = "-D" + LinuxOptions.LAYER_ROOT_PROPERTY + " or LinuxOptions.layerRoot";
        Set<Path> judged = new HashSet<>();
        if (TrustedHostPaths.require("state root", stateField, options.stateRoot(), euid.getAsLong(), op, id)) {
            judged.add(options.stateRoot());
        }
        if (TrustedHostPaths.require("layer root", layerField, options.layerRoot(), euid.getAsLong(), op, id)) {
            judged.add(options.layerRoot());
        }
        if (euid.getAsLong() != 0) {
            // Rootless: a root-owned root would pass the check above, but it must be this user's own (see UserPlaces).
            UserPlaces.requireOwn("state root", stateField, options.stateRoot(), euid.getAsLong(), op, id);
            UserPlaces.requireOwn("layer root", layerField, options.layerRoot(), euid.getAsLong(), op, id);
        }
        return judged;
    }

    /** The helper about to be run must deserve root's trust, and so must every directory above it. */
    void requireTrustedHelper(Path helperPath, String op, String id) {
        TrustedHostPaths.require("helper", "-D" + LinuxOptions.HELPER_PROPERTY + " or LinuxOptions.helperPath", helperPath,
                euid.getAsLong(), op, id);
    }

    /** For LinuxOptions-less callers. */
    public LinuxOptions defaults() {
        return defaults;
    }

    /** A supplier that always throws: for a runtime whose helper could not be found. */
    public static Supplier<Path> failingHelper(String reason) {
        return () -> {
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, "linux-ns has no usable helper: " + reason);
        };
    }

    // ---- for the containers and the create flow of this package ----

    Path helper() {
        return helper.get();
    }

    long euid() {
        return euid.getAsLong();
    }

    Proc proc() {
        return proc;
    }

    StateStore store() {
        return store;
    }

    HostCgroups cgroups() {
        return cgroups;
    }

    /** The supervisors started ahead of their creates: this JVM's, shared by its runtimes (one per helper and mode). */
    Standbys standbys() {
        return Standbys.shared();
    }
}
