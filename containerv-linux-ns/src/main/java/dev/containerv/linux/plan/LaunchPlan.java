package dev.containerv.linux.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A launch plan for {@code containerv-helper init}, version 2 (docs/linux-helper-protocol.md section 2).
 * Holds typed directives and renders them in the documented text form; it makes no decisions, the
 * runtime fills it in. The container's file systems besides its root ({@code /proc}, {@code /sys},
 * {@code /dev} with its nodes and links, binds, tmpfs) are setup operations the helper performs in the
 * order they were added. Not thread-safe.
 */
public final class LaunchPlan {
    /** The plan version this writer produces. */
    public static final int VERSION = 2;

    private final String id;
    private final String hostname;
    private final Set<String> namespaces = new LinkedHashSet<>();
    private Path stateDir;
    private Path controlSocket;
    private Path rootfs;
    private final List<Path> lowers = new ArrayList<>();
    private Path upper;
    private Path work;
    private Path tmpfsUpper;
    private long tmpfsUpperSize;
    private Path merged;
    private boolean overlayUserXattr;
    private boolean overlayVolatile;
    private boolean rootReadOnly;
    private final List<String> setup = new ArrayList<>();
    private String defaultPath;
    private boolean persistent;
    private long stopGraceMs = -1;
    private long streamTimeoutMs = -1;
    private final List<String> cleanup = new ArrayList<>();
    private final List<String> cgroupProcs = new ArrayList<>();
    private String veth;
    private final List<String> hardening = new ArrayList<>();
    private final List<String> userns = new ArrayList<>();

    public LaunchPlan(String id, String hostname) {
        this.id = Objects.requireNonNull(id, "id");
        this.hostname = Objects.requireNonNull(hostname, "hostname");
    }

    /** Adds one of {@code net}, {@code ipc}, {@code cgroup} (pid, mnt and uts are always made). */
    public LaunchPlan namespace(String name) {
        if (!Set.of("net", "ipc", "cgroup", "pid", "mnt", "uts").contains(name)) {
            throw new IllegalArgumentException("unknown namespace " + name);
        }
        namespaces.add(name);
        return this;
    }

    public LaunchPlan stateDir(Path dir, Path socket) {
        this.stateDir = dir;
        this.controlSocket = socket;
        return this;
    }

    /** The base root with an upper and work dir on disk. */
    public LaunchPlan overlay(Path lower, Path upperDir, Path workDir, Path mergedDir) {
        this.rootfs = lower;
        this.upper = upperDir;
        this.work = workDir;
        this.tmpfsUpper = null;
        this.merged = mergedDir;
        this.rootReadOnly = false;
        return this;
    }

    /** The base root with its writable layer on a tmpfs the init mounts at {@code scratch}. */
    public LaunchPlan overlayOnTmpfs(Path lower, Path scratch, long sizeBytes, Path mergedDir) {
        this.rootfs = lower;
        this.tmpfsUpper = scratch;
        this.tmpfsUpperSize = sizeBytes;
        this.upper = null;
        this.work = null;
        this.merged = mergedDir;
        this.rootReadOnly = false;
        return this;
    }

    /**
     * A read-only root with no writable layer ({@code root-readonly}, no {@code upper}, {@code work} or {@code tmpfs-upper}):
     * the base root (or the overlay of the {@link #lowers} over it, which then has no upper) mounted read-only on
     * {@code mountPoint} (the base root's own directory, or any existing one), in the init's mount namespace.
     */
    public LaunchPlan readOnlyRoot(Path lower, Path mountPoint) {
        this.rootfs = lower;
        this.upper = null;
        this.work = null;
        this.tmpfsUpper = null;
        this.merged = mountPoint;
        this.rootReadOnly = true;
        return this;
    }

    /**
     * The root made read-only once the setup operations have made their mount points in its writable layer on a tmpfs
     * ({@code root-readonly} with {@code tmpfs-upper}: a rootless view of the host's root); its {@code overlay-dir} parts
     * too.
     */
    public LaunchPlan rootReadOnlyAfterSetup() {
        if (tmpfsUpper == null) {
            throw new IllegalStateException("a root made read-only after the setup needs its writable layer on a tmpfs");
        }
        this.rootReadOnly = true;
        return this;
    }

    /** Whether the root has a writable layer (on disk or on a tmpfs): not after {@link #readOnlyRoot(Path, Path)}. */
    public boolean hasWritableLayer() {
        return upper != null || tmpfsUpper != null;
    }

    /** Read-only layers over the base root, top first (the {@code lower} lines); replaces earlier calls. */
    public LaunchPlan lowers(List<Path> topFirst) {
        lowers.clear();
        lowers.addAll(topFirst);
        return this;
    }

    /**
     * The overlay keeps its own extended attributes in the {@code user.} namespace ({@code userxattr}): the only way
     * overlayfs mounts inside a user namespace (rootless).
     */
    public LaunchPlan overlayUserXattr() {
        this.overlayUserXattr = true;
        return this;
    }

    /**
     * Every overlay of the plan is {@code volatile}: the kernel never syncs its writable layer, which dies with the
     * container anyway. Without it, the unmount of an overlay (when the container's mount namespace dies, in the
     * init's exit) runs {@code syncfs} on the whole host file system under the upper directory, and waits for its
     * writeback: with a busy disk, that was most of a destroy. Linux 5.10 or later.
     */
    public LaunchPlan overlayVolatile() {
        this.overlayVolatile = true;
        return this;
    }

    /** A host character device bound at {@code containerPath} (nosuid, noexec, not nodev): rootless {@code /dev} nodes. */
    public LaunchPlan devBind(Path hostDevice, String containerPath) {
        setup.add(line("dev-bind", hostDevice.toString(), containerPath));
        return this;
    }

    /** One host directory under its own writable layer ({@code upper/} and {@code work/} of {@code layerDir}), userxattr. */
    public LaunchPlan overlayDir(Path hostLower, Path layerDir, String containerPath) {
        setup.add(line("overlay-dir", hostLower.toString(), layerDir.toString(), containerPath));
        return this;
    }

    public LaunchPlan bind(Path hostSource, String containerPath, boolean readOnly) {
        setup.add(line("bind", hostSource.toString(), containerPath, readOnly ? "ro" : "rw"));
        return this;
    }

    public LaunchPlan tmpfs(String containerPath, long sizeBytes, int mode) {
        setup.add(line("tmpfs", containerPath, Long.toString(sizeBytes), Integer.toOctalString(mode)));
        return this;
    }

    /** A proc file system (nosuid, nodev, noexec) showing the container's pids. */
    public LaunchPlan proc(String containerPath) {
        setup.add(line("proc", containerPath));
        return this;
    }

    /** A read-only sysfs (nosuid, nodev, noexec). */
    public LaunchPlan sysfs(String containerPath) {
        setup.add(line("sysfs", containerPath));
        return this;
    }

    /** A small tmpfs (mode 0755, nosuid, noexec) to hold device nodes. */
    public LaunchPlan dev(String containerPath) {
        setup.add(line("dev", containerPath));
        return this;
    }

    /** A character device node, mode 0666. */
    public LaunchPlan device(String containerPath, int major, int minor) {
        setup.add(line("device", containerPath, Integer.toString(major), Integer.toString(minor)));
        return this;
    }

    /** A symbolic link at {@code containerPath} with the text {@code target}. */
    public LaunchPlan symlink(String target, String containerPath) {
        setup.add(line("symlink", target, containerPath));
        return this;
    }

    /** A new devpts instance (ptmxmode 0666, mode 0620). */
    public LaunchPlan devpts(String containerPath) {
        setup.add(line("devpts", containerPath));
        return this;
    }

    /** A POSIX message queue file system. */
    public LaunchPlan mqueue(String containerPath) {
        setup.add(line("mqueue", containerPath));
        return this;
    }

    /** A container path hidden from the container (a file: /dev/null over it; a directory: an empty read-only tmpfs). */
    public LaunchPlan mask(String containerPath) {
        setup.add(line("mask", containerPath));
        return this;
    }

    /** A container path bound onto itself read-only, nosuid, nodev, noexec. */
    public LaunchPlan readOnly(String containerPath) {
        setup.add(line("readonly", containerPath));
        return this;
    }

    /** The capability sets of a root process in the container, each in {@code CapabilitySet.planText} form. */
    public LaunchPlan caps(String bounding, String permitted, String effective, String inheritable, String ambient) {
        hardening.add(line("caps", bounding, permitted, effective, inheritable, ambient));
        return this;
    }

    /**
     * A path rule enforced with Landlock: beneath {@code containerPath}, read and execute ({@code writable} false)
     * or every right; once a plan has one, nothing outside its rules is reachable by path.
     */
    public LaunchPlan landlock(boolean writable, String containerPath) {
        hardening.add(line("landlock", writable ? "rw" : "ro", containerPath));
        return this;
    }

    /**
     * PID 1, and so every container process, reaches no abstract Unix socket made outside the container (a Landlock
     * scope, Linux 6.12; an older kernel logs that it cannot). For a container that shares the host's network namespace,
     * where the host's abstract sockets (container runtimes' shims, X11, session buses) are all in reach.
     */
    public LaunchPlan landlockScopeAbstractUnix() {
        hardening.add("landlock-scope abstract-unix");
        return this;
    }

    /** Every container process runs with no_new_privs. */
    public LaunchPlan noNewPrivileges() {
        hardening.add("no-new-privs");
        return this;
    }

    /** The seccomp filter's lines, exactly as {@code SeccompFilter.planLines()} writes them. */
    public LaunchPlan seccomp(List<String> lines) {
        for (String l : lines) {
            if (!l.startsWith("seccomp") || l.contains("\n")) {
                throw new IllegalArgumentException("not a seccomp line: " + l);
            }
            hardening.add(l);
        }
        return this;
    }

    /** The directories a program name is searched in when its environment has no {@code PATH}. */
    public LaunchPlan defaultPath(String searchPath) {
        this.defaultPath = searchPath;
        return this;
    }

    public LaunchPlan persistent(boolean value) {
        this.persistent = value;
        return this;
    }

    public LaunchPlan stopGraceMs(long ms) {
        this.stopGraceMs = ms;
        return this;
    }

    public LaunchPlan streamTimeoutMs(long ms) {
        this.streamTimeoutMs = ms;
        return this;
    }

    /** A tree the supervisor removes once the init is gone. */
    public LaunchPlan cleanupTree(Path path) {
        cleanup.add(line("cleanup-tree", path.toString()));
        return this;
    }

    /** A {@code cgroup.procs} file the supervisor writes the init's pid into before letting it go. */
    public LaunchPlan cgroupProcs(Path procsFile) {
        cgroupProcs.add(line("cgroup-procs", procsFile.toString()));
        return this;
    }

    /** A cgroup directory the supervisor empties (kills what is in it) and removes once the init is gone. */
    public LaunchPlan cleanupRmdir(Path cgroupDir) {
        cleanup.add(line("cleanup-rmdir", cgroupDir.toString()));
        return this;
    }

    /**
     * The container's veth pair: {@code hostLink} in the host's namespace with {@code hostAddress/prefix} (none when
     * null), its peer {@code eth0} in the container's with {@code containerAddress/prefix}, and a default route through
     * {@code gateway} when not null. Needs the {@code net} namespace.
     */
    public LaunchPlan veth(String hostLink, String hostAddress, String containerAddress, int prefix, String gateway) {
        veth = line("veth", hostLink, hostAddress == null ? "-" : hostAddress, containerAddress, Integer.toString(prefix),
                gateway == null ? "-" : gateway);
        return this;
    }

    /** One line of the container's {@code uid_map}: {@code count} ids from {@code inside} map to host ids from {@code outside}. */
    public LaunchPlan uidMap(long inside, long outside, long count) {
        userns.add(line("uid-map", Long.toString(inside), Long.toString(outside), Long.toString(count)));
        return this;
    }

    /** One line of the container's {@code gid_map}, like {@link #uidMap}. */
    public LaunchPlan gidMap(long inside, long outside, long count) {
        userns.add(line("gid-map", Long.toString(inside), Long.toString(outside), Long.toString(count)));
        return this;
    }

    /** {@code setgroups deny} written before {@code gid_map} (what an unprivileged writer of the maps must do). */
    public LaunchPlan setgroupsDeny() {
        userns.add("setgroups deny");
        return this;
    }

    /**
     * Rootless: the supervisor moves itself into the new user namespace and writes the maps (the user's own ids
     * alone) before anything else, so every namespace of the container belongs to it. Needs the maps.
     */
    public LaunchPlan usernsSelf() {
        userns.add("userns-self");
        return this;
    }

    /**
     * Rootless with subordinate ids: the maps are written by these setuid tools ({@code newuidmap <pid> ...}), run
     * from outside the supervisor's new namespace; they write {@code setgroups} themselves. Needs {@link #usernsSelf}.
     */
    public LaunchPlan mapTools(Path newuidmap, Path newgidmap) {
        userns.add(line("newuidmap", newuidmap.toString()));
        userns.add(line("newgidmap", newgidmap.toString()));
        return this;
    }

    /** The overlay's lower dir (the rootfs) is seen through the maps: an idmapped mount. Needs the maps. */
    public LaunchPlan idmapLower() {
        userns.add("idmap-lower");
        return this;
    }

    /** A read-only recursive bind (nosuid, nodev) seen through the maps: an idmapped mount. Needs the maps. */
    public LaunchPlan bindIdmap(Path hostSource, String containerPath) {
        setup.add(line("bind-idmap", hostSource.toString(), containerPath));
        return this;
    }

    /** The plan text. */
    public String render() {
        if (stateDir == null || rootfs == null || merged == null) {
            throw new IllegalStateException("plan for " + id + " lacks state-dir, rootfs or merged");
        }
        StringBuilder sb = new StringBuilder("containerv-plan ").append(VERSION).append('\n');
        sb.append(line("id", id)).append('\n');
        sb.append(line("hostname", hostname)).append('\n');
        if (!namespaces.isEmpty()) {
            sb.append("namespaces");
            namespaces.forEach(n -> sb.append(' ').append(n));
            sb.append('\n');
        }
        sb.append(line("state-dir", stateDir.toString())).append('\n');
        sb.append(line("control-socket", controlSocket.toString())).append('\n');
        lowers.forEach(l -> sb.append(line("lower", l.toString())).append('\n'));
        sb.append(line("rootfs", rootfs.toString())).append('\n');
        if (tmpfsUpper != null) {
            sb.append(line("tmpfs-upper", tmpfsUpper.toString(), Long.toString(tmpfsUpperSize))).append('\n');
        } else if (upper != null) {
            sb.append(line("upper", upper.toString())).append('\n');
            sb.append(line("work", work.toString())).append('\n');
        }
        sb.append(line("merged", merged.toString())).append('\n');
        if (rootReadOnly) {
            sb.append("root-readonly\n");
        }
        if (overlayUserXattr) {
            sb.append("overlay-userxattr\n");
        }
        if (overlayVolatile) {
            sb.append("overlay-volatile\n");
        }
        userns.forEach(u -> sb.append(u).append('\n'));
        setup.forEach(m -> sb.append(m).append('\n'));
        if (defaultPath != null) {
            sb.append(line("default-path", defaultPath)).append('\n');
        }
        if (persistent) {
            sb.append("persistent\n");
        }
        if (stopGraceMs >= 0) {
            sb.append(line("stop-grace-ms", Long.toString(stopGraceMs))).append('\n');
        }
        if (streamTimeoutMs >= 0) {
            sb.append(line("stream-timeout-ms", Long.toString(streamTimeoutMs))).append('\n');
        }
        cgroupProcs.forEach(c -> sb.append(c).append('\n'));
        if (veth != null) {
            sb.append(veth).append('\n');
        }
        hardening.forEach(h -> sb.append(h).append('\n'));
        cleanup.forEach(c -> sb.append(c).append('\n'));
        return sb.toString();
    }

    private static String line(String keyword, String... args) {
        StringBuilder sb = new StringBuilder(keyword);
        for (String a : args) {
            if (a.isEmpty()) {
                throw new IllegalArgumentException(keyword + ": empty argument");
            }
            sb.append(' ').append(Percent.encode(a));
        }
        return sb.toString();
    }
}
