package dev.containerv.linux.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A launch plan for {@code containerv-helper init}, version 1 (docs/linux-helper-protocol.md section 2).
 * Holds typed directives and renders them in the documented text form; it makes no decisions, the
 * runtime fills it in. Not thread-safe.
 */
public final class LaunchPlan {
    /** The plan version this writer produces. */
    public static final int VERSION = 1;

    private final String id;
    private final String hostname;
    private final Set<String> namespaces = new LinkedHashSet<>();
    private Path stateDir;
    private Path controlSocket;
    private Path rootfs;
    private Path upper;
    private Path work;
    private Path tmpfsUpper;
    private long tmpfsUpperSize;
    private Path merged;
    private final List<String> mounts = new ArrayList<>();
    private boolean persistent;
    private long stopGraceMs = -1;
    private long streamTimeoutMs = -1;
    private final List<String> cleanup = new ArrayList<>();

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
        return this;
    }

    public LaunchPlan bind(Path hostSource, String containerPath, boolean readOnly) {
        mounts.add(line("bind", hostSource.toString(), containerPath, readOnly ? "ro" : "rw"));
        return this;
    }

    public LaunchPlan tmpfs(String containerPath, long sizeBytes, int mode) {
        mounts.add(line("tmpfs", containerPath, Long.toString(sizeBytes), Integer.toOctalString(mode)));
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
        sb.append(line("rootfs", rootfs.toString())).append('\n');
        if (tmpfsUpper != null) {
            sb.append(line("tmpfs-upper", tmpfsUpper.toString(), Long.toString(tmpfsUpperSize))).append('\n');
        } else {
            sb.append(line("upper", upper.toString())).append('\n');
            sb.append(line("work", work.toString())).append('\n');
        }
        sb.append(line("merged", merged.toString())).append('\n');
        mounts.forEach(m -> sb.append(m).append('\n'));
        if (persistent) {
            sb.append("persistent\n");
        }
        if (stopGraceMs >= 0) {
            sb.append(line("stop-grace-ms", Long.toString(stopGraceMs))).append('\n');
        }
        if (streamTimeoutMs >= 0) {
            sb.append(line("stream-timeout-ms", Long.toString(streamTimeoutMs))).append('\n');
        }
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
