package dev.containerv.linux.helper;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.util.Map;
import java.util.Set;

/**
 * A structured failure reported by the helper (status line, ERROR frame or copy result): the step, the
 * syscall, the errno by name and number, the path and a short technical detail. The helper never writes
 * prose for users; {@link #toException} does.
 *
 * @param step        the helper step, such as {@code overlay} or {@code exec}
 * @param syscall     the failing syscall, or empty
 * @param errnoName   {@code ENOENT}, ..., or empty
 * @param errnoNumber the errno value, 0 when not applicable
 * @param path        the path concerned, or empty
 * @param detail      a short technical detail, or empty
 */
public record HelperFailure(String step, String syscall, String errnoName, int errnoNumber, String path, String detail) {
    /** Step → what it means, in words; one entry per row of the helper's steps.h, no more. */
    private static final Map<String, String> STEPS = Map.ofEntries(
            Map.entry("usage", "calling the helper"),
            Map.entry("plan", "reading the launch plan"),
            Map.entry("setup", "preparing the supervisor"),
            Map.entry("clone", "creating the namespaces"),
            Map.entry("cgroup-procs", "moving the init into its cgroup"),
            Map.entry("sync", "synchronising supervisor and init"),
            Map.entry("veth", "creating the container's veth pair"),
            Map.entry("veth-host", "addressing the host side of the veth pair"),
            Map.entry("veth-container", "addressing the container's eth0"),
            Map.entry("route", "adding the container's default route"),
            Map.entry("user-namespace", "creating the user namespace and writing its uid/gid maps"),
            Map.entry("idmap", "making an idmapped mount (files seen through the container's id maps)"),
            Map.entry("enter-userns", "entering the container's user namespace"),
            Map.entry("mount-private", "making the mount tree private"),
            Map.entry("control-socket", "binding the control socket"),
            Map.entry("tmpfs-upper", "mounting the tmpfs for the writable layer"),
            Map.entry("overlay", "mounting the overlay root file system"),
            Map.entry("root-readonly", "mounting the read-only root file system"),
            Map.entry("bind", "bind-mounting a host directory"),
            Map.entry("bind-remount-ro", "making a bind mount read-only"),
            Map.entry("tmpfs", "mounting a tmpfs layer"),
            Map.entry("mountpoint", "creating a mount point"),
            Map.entry("proc", "mounting /proc"),
            Map.entry("sys", "mounting /sys"),
            Map.entry("dev", "mounting /dev"),
            Map.entry("mknod", "creating a device node"),
            Map.entry("devpts", "mounting /dev/pts"),
            Map.entry("symlink", "creating a symbolic link"),
            Map.entry("mqueue", "mounting /dev/mqueue"),
            Map.entry("mask", "hiding a path of the container"),
            Map.entry("readonly-path", "making a path of the container read-only"),
            Map.entry("pivot-root", "switching to the container root (pivot_root)"),
            Map.entry("umount-old-root", "detaching the host root"),
            Map.entry("chdir", "changing to the working directory"),
            Map.entry("hostname", "setting the host name"),
            Map.entry("unshare-cgroup", "creating the cgroup namespace"),
            Map.entry("lo-up", "bringing up the loopback interface"),
            Map.entry("signals", "setting up signals"),
            Map.entry("event-loop", "starting the container's event loop"),
            Map.entry("setsid", "starting a new session"),
            Map.entry("stdio", "connecting standard streams"),
            Map.entry("rlimit", "setting a resource limit"),
            Map.entry("setgroups", "setting supplementary groups"),
            Map.entry("setgid", "switching group"),
            Map.entry("setuid", "switching user"),
            Map.entry("caps", "setting the capabilities"),
            Map.entry("no-new-privs", "setting no_new_privs"),
            Map.entry("seccomp", "setting up the system call filter"),
            Map.entry("landlock", "restricting file access with Landlock"),
            Map.entry("exec", "starting the program"),
            Map.entry("user", "looking up the user"),
            Map.entry("group", "looking up the group"),
            Map.entry("stream-attach", "waiting for the stream connections"),
            Map.entry("fork", "forking the process"),
            Map.entry("shutdown", "the container is stopping"),
            Map.entry("protocol", "speaking the control protocol"),
            Map.entry("hello", "greeting the control socket"),
            Map.entry("kill", "signalling a process"),
            Map.entry("wait", "waiting for a process"),
            Map.entry("target", "finding the container's init"),
            Map.entry("host-open", "opening the host path"),
            Map.entry("setns", "entering the container's mount namespace"),
            Map.entry("chroot", "entering the container root"),
            Map.entry("container-open", "opening the container path"),
            Map.entry("open", "opening a file"),
            Map.entry("mkdir", "creating a directory"),
            Map.entry("readdir", "reading a directory"),
            Map.entry("read", "reading"),
            Map.entry("write", "writing"),
            Map.entry("copy", "copying"),
            Map.entry("depth", "walking the tree"),
            Map.entry("readlink", "reading a symlink"),
            Map.entry("unlink", "replacing an existing entry"),
            Map.entry("chown", "setting the owner"),
            Map.entry("chmod", "setting the mode"),
            Map.entry("utimes", "setting the modification time"),
            Map.entry("stat", "examining a file"),
            Map.entry("dumpable", "making the container's init non-dumpable"));

    /**
     * The steps this class has words for: exactly the helper's step table ({@code containerv-helper steps}), as
     * HelperFailureTest checks against the built helper.
     */
    static Set<String> wordedSteps() {
        return STEPS.keySet();
    }

    /** The errno name with a {@code errno } prefix, or {@code null} when there is none. */
    public String platformCode() {
        return errnoName.isEmpty() ? null : "errno " + errnoName;
    }

    /** What the step means, in words; unknown steps are shown verbatim. */
    public String stepDescription() {
        return STEPS.getOrDefault(step, "step '" + step + "'");
    }

    /** The error kind for this failure's errno. */
    public ErrorKind kind() {
        if (step.equals("landlock") && (errnoName.equals("ENOSYS") || errnoName.equals("EOPNOTSUPP"))) {
            return ErrorKind.NOT_SUPPORTED; // the kernel lacks Landlock: the policy's path rules cannot be honoured here
        }
        if (realtimePolicy() != null) {
            return ErrorKind.NOT_SUPPORTED; // a real-time JVM cannot put its containers into budget-less cpu cgroups
        }
        if (step.equals("idmap") && syscall.equals("mount_setattr") && errnoName.equals("EINVAL")) {
            return ErrorKind.NOT_SUPPORTED; // the file system (or kernel) has no idmapped mounts; linux-ns never chowns instead
        }
        return kindOf(errnoName);
    }

    /** Maps an errno name to the kind of failure it means to a caller. */
    public static ErrorKind kindOf(String errnoName) {
        return switch (errnoName) {
            case "ENOENT", "ESRCH", "ECHILD" -> ErrorKind.NOT_FOUND;
            case "EACCES", "EPERM", "EROFS" -> ErrorKind.PERMISSION_DENIED;
            case "EEXIST" -> ErrorKind.ALREADY_EXISTS;
            case "ENOSPC", "ENOMEM", "EDQUOT", "EMFILE", "ENFILE", "EAGAIN", "EFBIG", "E2BIG" -> ErrorKind.RESOURCE_LIMIT;
            case "ETIMEDOUT" -> ErrorKind.TIMEOUT;
            default -> ErrorKind.PLATFORM_FAILURE;
        };
    }

    /**
     * The technical tail of a message: {@code syscall mount on /x: detail}. Used after a sentence Java wrote.
     */
    public String technical() {
        StringBuilder sb = new StringBuilder();
        if (!syscall.isEmpty() && !syscall.equals("-")) {
            sb.append(syscall).append("()");
        }
        if (!path.isEmpty()) {
            sb.append(sb.length() > 0 ? " on " : "on ").append(path);
        }
        if (!detail.isEmpty()) {
            sb.append(sb.length() > 0 ? ": " : "").append(detail);
        }
        return sb.toString();
    }

    /**
     * The real-time policy ({@code SCHED_FIFO}, {@code SCHED_RR}) of a task the kernel refused (EINVAL) to move into
     * a cgroup, as the helper reports it in the detail ({@code sched_policy SCHED_FIFO}), or null.
     */
    String realtimePolicy() {
        if (!step.equals("cgroup-procs") || !errnoName.equals("EINVAL") || !detail.startsWith("sched_policy SCHED_")) {
            return null;
        }
        return detail.substring("sched_policy ".length());
    }

    /**
     * What to do about a failure whose errno alone misleads, or empty: a bare EINVAL from a cgroup's
     * {@code tasks} file says nothing of real-time budgets.
     */
    String hint() {
        String policy = realtimePolicy();
        if (policy == null) {
            return "";
        }
        String cgroup = path.isEmpty() ? "the container's cgroup" : path.substring(0, Math.max(0, path.lastIndexOf('/')));
        String why = path.endsWith("/tasks")
                ? "the kernel moves a real-time task only into a cgroup v1 cpu cgroup with a real-time budget, and "
                + cgroup + " has none (cpu.rt_runtime_us is 0 in every new cgroup; linux-ns gives its containers none, "
                + "since a budget is taken from the host's real-time bandwidth and would let the container's real-time tasks "
                + "hold a CPU for that share of every period)"
                : "the kernel does not let a real-time task into a cgroup whose cpu controller is enabled (" + cgroup
                + "; real-time group scheduling, cpu.rt_runtime_us)";
        return "; the container's init runs at real-time priority (" + policy + ", inherited from the JVM that "
                + "started the helper) and " + why + ". Run the JVM at SCHED_OTHER (not under chrt -f or chrt -r)";
    }

    /**
     * A {@link ContainerException} whose message is {@code sentence}, then the step and technical facts.
     *
     * @param operation such as {@code linux::Runtime::create}
     * @param sentence  what failed, in words, for this particular case
     */
    public ContainerException toException(String operation, String containerId, ErrorKind kind, String sentence) {
        return toException(operation, containerId, kind, sentence, null);
    }

    /** As {@link #toException(String, String, ErrorKind, String)}, with a cause (such as the helper's {@link HelperLog}). */
    public ContainerException toException(String operation, String containerId, ErrorKind kind, String sentence, Throwable cause) {
        String tech = technical();
        String message = sentence + " (while " + stepDescription() + (tech.isEmpty() ? "" : ": " + tech) + ")" + hint();
        return ContainerException.builder(kind, message).operation(operation).containerId(containerId)
                .platformCode(platformCode()).cause(cause).build();
    }

    @Override
    public String toString() {
        return step + " " + syscall + " " + errnoName + "(" + errnoNumber + ") " + path + " " + detail;
    }
}
