package dev.containerv.linux.security;

import dev.containerv.api.ContainerException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Paths hidden from a container and paths it may only read. A masked file is covered with the
 * container's {@code /dev/null}, a masked directory with an empty read-only tmpfs; a read-only path is
 * bound onto itself read-only; a path the container lacks is skipped. The defaults follow runc's and
 * Docker's lists ({@link #RUNC_MASKED}, {@link #RUNC_READ_ONLY}); containerv's own directories are added
 * with {@link #withMasked} where the container's root contains them (the host-root view). Immutable.
 */
public final class MaskedPaths {
    /** Kernel interfaces that show or change host state: hidden. */
    public static final List<String> RUNC_MASKED = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");

    /** Kernel interfaces a container may read but never write (kernel knobs, SysRq, IRQ affinity). */
    public static final List<String> RUNC_READ_ONLY = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private final List<String> masked;
    private final List<String> readOnly;

    private MaskedPaths(Collection<String> masked, Collection<String> readOnly) {
        this.masked = List.copyOf(new LinkedHashSet<>(masked));
        this.readOnly = List.copyOf(new LinkedHashSet<>(readOnly));
    }

    /** runc's lists. */
    public static MaskedPaths defaults() {
        return new MaskedPaths(RUNC_MASKED, RUNC_READ_ONLY);
    }

    /**
     * These lists with more masked paths (absolute, normalised, duplicates dropped).
     *
     * @throws ContainerException {@code INVALID_SPEC} for a relative path or the root itself
     */
    public MaskedPaths withMasked(Collection<Path> paths) {
        Objects.requireNonNull(paths, "paths");
        List<String> more = new ArrayList<>(masked);
        for (Path p : paths) {
            Path n = p.normalize();
            if (!n.isAbsolute() || n.getNameCount() == 0) {
                throw ContainerException.invalidSpec("maskedPath", p, "an absolute path below /");
            }
            more.add(n.toString());
        }
        return new MaskedPaths(more, readOnly);
    }

    /** Hidden paths, in order. */
    public List<String> masked() {
        return masked;
    }

    /** Read-only paths, in order. */
    public List<String> readOnly() {
        return readOnly;
    }

    /** Whether {@code path} is hidden by this list itself or by a masked directory above it. */
    public boolean hides(String path) {
        for (String m : masked) {
            if (path.equals(m) || path.startsWith(m + "/")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskedPaths m && masked.equals(m.masked) && readOnly.equals(m.readOnly);
    }

    @Override
    public int hashCode() {
        return Objects.hash(masked, readOnly);
    }

    @Override
    public String toString() {
        return "MaskedPaths[masked=" + masked + ", readOnly=" + readOnly + "]";
    }
}
