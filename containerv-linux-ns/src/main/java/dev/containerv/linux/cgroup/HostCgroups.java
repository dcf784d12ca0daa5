package dev.containerv.linux.cgroup;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ResourceLimits;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A runtime's view of the host's cgroups: the {@link CgroupManager} detected once, on first use, and the two things
 * the runtime asks of it: a container's cgroup at create, and the removal of a dead container's cgroup (by id,
 * never by a path read from its state). A host without any cgroup mount still runs containers without limits
 * (their stats then come from {@code /proc}). Thread-safe.
 */
public final class HostCgroups {
    private static final System.Logger LOG = System.getLogger(HostCgroups.class.getName());
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<CgroupManager> detect;
    private final String unusable;
    private volatile Optional<CgroupManager> manager;
    private volatile IOException detectFailure;

    /** @param detect makes the manager ({@link CgroupManager#host()} for the real host); called at most once */
    public HostCgroups(Supplier<CgroupManager> detect) {
        this(detect, null);
    }

    private HostCgroups(Supplier<CgroupManager> detect, String unusable) {
        this.detect = detect;
        this.unusable = unusable;
    }

    /**
     * A host whose cgroups this process may not make (a normal user without a delegated subtree): containers run
     * without a cgroup of their own (stats from {@code /proc}), and limits are refused {@code NOT_SUPPORTED} with
     * {@code why}.
     */
    public static HostCgroups unusable(String why) {
        return new HostCgroups(() -> {
            throw new IllegalStateException("never detected");
        }, why);
    }

    /** The real host's cgroups. */
    public static HostCgroups host() {
        return new HostCgroups(() -> {
            try {
                return CgroupManager.host();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The manager, or empty when this host has no usable cgroup mount. */
    public Optional<CgroupManager> manager() {
        if (unusable != null) {
            return Optional.empty();
        }
        Optional<CgroupManager> m = manager;
        if (m == null) {
            synchronized (this) {
                m = manager;
                if (m == null) {
                    try {
                        CgroupManager found = detect.get();
                        m = found.hierarchies().isEmpty() ? Optional.empty() : Optional.of(found);
                    } catch (java.io.UncheckedIOException e) {
                        detectFailure = e.getCause();
                        LOG.log(Level.WARNING, () -> "cannot detect the cgroup layout: " + e.getCause());
                        m = Optional.empty();
                    }
                    manager = m;
                }
            }
        }
        return m;
    }

    /**
     * {@code true} when the memory, cpu and pids controllers are all available (the limits
     * {@link dev.containerv.api.RuntimeFeature#RESOURCE_LIMITS} names), so every such limit can be applied.
     */
    public boolean offersLimits() {
        return manager().map(m -> m.locate(Controller.MEMORY).isPresent() && m.locate(Controller.CPU).isPresent()
                && m.locate(Controller.PIDS).isPresent()).orElse(false);
    }

    /**
     * The cgroup of a new container with its limits applied, or empty when the spec asks for no limit and the host
     * has no cgroups or refuses to make one (logged as a warning).
     *
     * @throws ContainerException {@code NOT_SUPPORTED} for a limit the host cannot apply (naming the controller and
     *                            the file), or when limits are asked for on a host without cgroups
     */
    public Optional<ContainerCgroup> create(String id, ResourceLimits limits, int hostCpus) {
        CgroupLimits cl = CgroupLimits.of(limits, hostCpus);
        Optional<CgroupManager> m = manager();
        if (m.isEmpty()) {
            if (cl.isEmpty()) {
                return Optional.empty();
            }
            if (unusable != null) {
                throw new ContainerException(ErrorKind.NOT_SUPPORTED, "resource limits " + limits + " need a cgroup of the container's own: " + unusable);
            }
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, "resource limits " + limits + " need cgroups, and this host has no usable cgroup mount"
                    + (detectFailure != null ? " (" + detectFailure.getMessage() + ")" : ""));
        }
        try {
            return Optional.of(m.get().create(id, cl));
        } catch (ContainerException e) {
            if (!cl.isEmpty() || e.kind() == ErrorKind.ALREADY_EXISTS) {
                throw e;
            }
            // No limit asked for: a host whose cgroups this process may not write (a read-only cgroupfs in an outer
            // container, no delegation) still runs the container, as before cgroups; stats then come from /proc.
            LOG.log(Level.WARNING, () -> "container " + id + " runs without a cgroup of its own: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Kills whatever still runs in a dead container's cgroup and removes it in every hierarchy; nothing to do when
     * there is none. Idempotent. Returns what failed (empty when the cgroup is gone).
     */
    public List<Exception> removeDead(String id) {
        Optional<CgroupManager> m = manager();
        if (m.isEmpty()) {
            return List.of();
        }
        ContainerCgroup cg = m.get().cgroup(id);
        if (cg.directories().stream().noneMatch(java.nio.file.Files::isDirectory)) {
            return List.of();
        }
        try {
            cg.killAll(KILL_TIMEOUT);
            cg.remove();
            return List.of();
        } catch (RuntimeException e) {
            return List.of(e);
        }
    }
}
