package dev.containerv.linux.plan;

import java.util.List;

/**
 * What every container's file system gets besides its root and layers, decided here and sent to the helper as
 * plan directives (the helper has no list of its own): {@code /proc}, a read-only {@code /sys}, a minimal
 * {@code /dev} with the device nodes below and the usual links, {@code /dev/pts}, {@code /dev/shm},
 * {@code /dev/mqueue}; and the search path for programs whose environment has no {@code PATH}.
 */
public final class StandardSetup {
    /** The search path of a process whose environment has no {@code PATH}; also its default {@code PATH}. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** A character device node of the container's {@code /dev}. */
    public record Device(String path, int major, int minor) {
    }

    /** The device nodes, mode 0666: the ones every program may expect, and nothing that reaches hardware. */
    public static final List<Device> DEVICES = List.of(
            new Device("/dev/null", 1, 3), new Device("/dev/zero", 1, 5), new Device("/dev/full", 1, 7),
            new Device("/dev/random", 1, 8), new Device("/dev/urandom", 1, 9), new Device("/dev/tty", 5, 0));

    private StandardSetup() {
    }

    /**
     * Size of {@code /dev/shm} (64 MiB, as Docker): the kernel's default, half of the host's RAM, would let one
     * container pin that much unswappable memory. A {@code Layer.tmpfs("/dev/shm", size)} replaces it.
     */
    public static final long DEV_SHM_BYTES = 64L * 1024 * 1024;

    /**
     * Adds the standard file systems to a plan. They come before the spec's layers, so a layer under
     * {@code /dev}, {@code /proc} or {@code /sys} sits on top of them instead of being hidden beneath.
     */
    public static LaunchPlan apply(LaunchPlan plan) {
        return apply(plan, false, true, true);
    }

    /**
     * Adds the standard file systems, rootless or not. In a user namespace (rootless) the kernel refuses
     * {@code mknod}, a {@code sysfs} without a network namespace of the container's own, and an {@code mqueue}
     * without an IPC namespace of its own: the device nodes are then the host's bound in ({@code dev-bind}, as
     * bubblewrap does), {@code /sys} is the host's bound read-only, and {@code /dev/mqueue} is left out.
     *
     * @param ownNet whether the container has a network namespace of its own (NETWORK)
     * @param ownIpc whether it has an IPC namespace of its own (IPC)
     */
    public static LaunchPlan apply(LaunchPlan plan, boolean rootless, boolean ownNet, boolean ownIpc) {
        plan.proc("/proc");
        if (rootless && !ownNet) {
            plan.bind(java.nio.file.Path.of("/sys"), "/sys", true);
        } else {
            plan.sysfs("/sys");
        }
        plan.dev("/dev");
        if (rootless) {
            DEVICES.forEach(d -> plan.devBind(java.nio.file.Path.of(d.path()), d.path()));
        } else {
            DEVICES.forEach(d -> plan.device(d.path(), d.major(), d.minor()));
        }
        plan.symlink("pts/ptmx", "/dev/ptmx").symlink("/proc/self/fd", "/dev/fd").symlink("/proc/self/fd/0", "/dev/stdin")
                .symlink("/proc/self/fd/1", "/dev/stdout").symlink("/proc/self/fd/2", "/dev/stderr");
        plan.devpts("/dev/pts").tmpfs("/dev/shm", DEV_SHM_BYTES, 01777);
        if (!rootless || ownIpc) {
            plan.mqueue("/dev/mqueue");
        }
        return plan.defaultPath(DEFAULT_PATH);
    }
}
