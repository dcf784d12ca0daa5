package dev.containerv.api;

import dev.containerv.internal.Checks;
import dev.containerv.internal.Sizes;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One piece of a container's file system. The root is the base root file system with a private
 * writable layer over it (the base is never written to), except with
 * {@link ContainerSpec.Builder#readOnlyRoot(boolean) readOnlyRoot(true)}, where the root is the base
 * alone, read-only, with no writable layer; further layers are mounted over it in the order given.
 *
 * <pre>{@code
 * Layer.hostDirectory(Path.of("/home/me/src"), "/src", Access.READ_ONLY)
 * Layer.tmpfs("/tmp", "256M")
 * }</pre>
 */
public final class Layer {
    /** What a layer is. */
    public enum Kind {
        /** The base root file system, a host directory that is never written to. */
        BASE_ROOTFS,
        /** A host directory made visible at a container path. */
        HOST_DIRECTORY,
        /** An empty in-memory file system at a container path. */
        TMPFS,
        /**
         * The private writable layer over the base; present unless the root is read-only, may be named explicitly
         * (not together with {@link ContainerSpec.Builder#readOnlyRoot(boolean) readOnlyRoot(true)}).
         */
        WRITABLE_OVERLAY
    }

    private final Kind kind;
    private final Path source;
    private final String containerPath;
    private final Access access;
    private final Long sizeBytes;

    private Layer(Kind kind, Path source, String containerPath, Access access, Long sizeBytes) {
        this.kind = kind;
        this.source = source;
        this.containerPath = containerPath;
        this.access = access;
        this.sizeBytes = sizeBytes;
    }

    /** The base root file system; the same as {@link ContainerSpec.Builder#rootfs(Path)}. */
    public static Layer baseRootfs(Path directory) {
        Checks.notNull("layer.source", directory, "a host directory");
        return new Layer(Kind.BASE_ROOTFS, directory, null, Access.READ_ONLY, null);
    }

    /**
     * A host directory made visible at {@code containerPath}.
     *
     * @throws ContainerException {@code INVALID_SPEC} if the container path is not absolute or climbs with {@code ..}
     */
    public static Layer hostDirectory(Path source, String containerPath, Access access) {
        Checks.notNull("layer.source", source, "a host directory");
        String at = ContainerPaths.check("layer.containerPath", containerPath);
        Checks.notNull("layer.access", access, "READ_ONLY or READ_WRITE");
        return new Layer(Kind.HOST_DIRECTORY, source, at, access, null);
    }

    /** An empty tmpfs at {@code containerPath}, with the kernel's default size. */
    public static Layer tmpfs(String containerPath) {
        return new Layer(Kind.TMPFS, null, ContainerPaths.check("layer.containerPath", containerPath), Access.READ_WRITE, null);
    }

    /**
     * An empty tmpfs at {@code containerPath} of at most {@code size} ({@code 64M}, {@code 1G}, {@code max}).
     */
    public static Layer tmpfs(String containerPath, String size) {
        String at = ContainerPaths.check("layer.containerPath", containerPath);
        OptionalLong bytes = Sizes.parse("layer.size", size);
        return new Layer(Kind.TMPFS, null, at, Access.READ_WRITE, bytes.isPresent() ? bytes.getAsLong() : null);
    }

    /**
     * The private writable layer over the base; present whether or not it is named, unless the root is read-only
     * ({@link ContainerSpec.Builder#readOnlyRoot(boolean)}, which refuses it named).
     */
    public static Layer writableOverlay() {
        return new Layer(Kind.WRITABLE_OVERLAY, null, null, Access.READ_WRITE, null);
    }

    /** What kind of layer this is. */
    public Kind kind() {
        return kind;
    }

    /** The host directory, for {@link Kind#BASE_ROOTFS} and {@link Kind#HOST_DIRECTORY}. */
    public Optional<Path> source() {
        return Optional.ofNullable(source);
    }

    /** Where the layer appears in the container, for {@link Kind#HOST_DIRECTORY} and {@link Kind#TMPFS}. */
    public Optional<String> containerPath() {
        return Optional.ofNullable(containerPath);
    }

    /** Whether the container may write to it. */
    public Access access() {
        return access;
    }

    /** The size limit of a tmpfs; empty means the kernel default. */
    public OptionalLong sizeBytes() {
        return sizeBytes == null ? OptionalLong.empty() : OptionalLong.of(sizeBytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layer l && kind == l.kind && Objects.equals(source, l.source)
                && Objects.equals(containerPath, l.containerPath) && access == l.access && Objects.equals(sizeBytes, l.sizeBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, source, containerPath, access, sizeBytes);
    }

    @Override
    public String toString() {
        return "Layer[" + kind + (source != null ? " " + source : "") + (containerPath != null ? " at " + containerPath : "")
                + " " + access + (sizeBytes != null ? " size=" + sizeBytes : "") + "]";
    }
}
