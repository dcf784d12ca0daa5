package dev.containerv.linux;

import dev.containerv.api.ContainerException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Linux-only settings of a container, given as a spec extension:
 *
 * <pre>{@code
 * ContainerSpec.builder().rootfs(root)
 *         .extension(LinuxOptions.builder().stopGrace(Duration.ofSeconds(2)).build())
 *         .build();
 * }</pre>
 *
 * <p>The state root and layer root also decide where {@code open(id)} and {@code list()} look: a
 * runtime made by {@link LinuxNamespacesProvider#createRuntime(LinuxOptions)} uses that options'
 * roots; the default runtime uses the system properties {@value #STATE_ROOT_PROPERTY} and
 * {@value #LAYER_ROOT_PROPERTY}, else {@code /run/containerv} and {@code /var/lib/containerv}.
 * Immutable.
 */
public final class LinuxOptions {
    /** System property for the default state root. */
    public static final String STATE_ROOT_PROPERTY = "containerv.linux.stateRoot";
    /** System property for the default layer root. */
    public static final String LAYER_ROOT_PROPERTY = "containerv.linux.layerRoot";
    /** System property naming a helper binary to use instead of the one in the jar. */
    public static final String HELPER_PROPERTY = "containerv.linux.helper";

    private final Path stateRoot;
    private final Path layerRoot;
    private final Duration stopGrace;
    private final Path helperPath;

    private LinuxOptions(Builder b) {
        this.stateRoot = b.stateRoot;
        this.layerRoot = b.layerRoot;
        this.stopGrace = b.stopGrace;
        this.helperPath = b.helperPath;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: roots from the system properties or the standard paths, a 10 s stop grace. */
    public static LinuxOptions defaults() {
        return builder().build();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.stateRoot = stateRoot;
        b.layerRoot = layerRoot;
        b.stopGrace = stopGrace;
        b.helperPath = helperPath;
        return b;
    }

    /** Where each container's state directory ({@code <root>/<id>}) lives. */
    public Path stateRoot() {
        return stateRoot;
    }

    /** Where each container's writable layer ({@code <root>/<id>/upper}, work, merged) lives. */
    public Path layerRoot() {
        return layerRoot;
    }

    /** Time between TERM and KILL when the container stops. */
    public Duration stopGrace() {
        return stopGrace;
    }

    /** A helper binary to use instead of the jar's; empty means the system property or the jar's. */
    public Optional<Path> helperPath() {
        return Optional.ofNullable(helperPath);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinuxOptions l && stateRoot.equals(l.stateRoot) && layerRoot.equals(l.layerRoot)
                && stopGrace.equals(l.stopGrace) && Objects.equals(helperPath, l.helperPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stateRoot, layerRoot, stopGrace, helperPath);
    }

    @Override
    public String toString() {
        return "LinuxOptions[stateRoot=" + stateRoot + ", layerRoot=" + layerRoot + ", stopGrace=" + stopGrace
                + (helperPath != null ? ", helperPath=" + helperPath : "") + "]";
    }

    /** Builds {@link LinuxOptions}. Not thread-safe. */
    public static final class Builder {
        private Path stateRoot = Path.of(System.getProperty(STATE_ROOT_PROPERTY, "/run/containerv"));
        private Path layerRoot = Path.of(System.getProperty(LAYER_ROOT_PROPERTY, "/var/lib/containerv"));
        private Duration stopGrace = Duration.ofSeconds(10);
        private Path helperPath;

        private Builder() {
        }

        /**
         * The state root, an absolute host path. Default {@code /run/containerv} (or
         * {@value #STATE_ROOT_PROPERTY}). The control socket path {@code <root>/<id>/control} must fit in
         * 107 bytes.
         *
         * @throws ContainerException {@code INVALID_SPEC} for a relative path
         */
        public Builder stateRoot(Path root) {
            this.stateRoot = absolute("linuxOptions.stateRoot", root);
            return this;
        }

        /**
         * The layer root, an absolute host path. Default {@code /var/lib/containerv} (or
         * {@value #LAYER_ROOT_PROPERTY}).
         *
         * @throws ContainerException {@code INVALID_SPEC} for a relative path
         */
        public Builder layerRoot(Path root) {
            this.layerRoot = absolute("linuxOptions.layerRoot", root);
            return this;
        }

        /**
         * Time between TERM and KILL when the container stops, 0 to 1 hour. Default 10 seconds.
         *
         * @throws ContainerException {@code INVALID_SPEC} outside that range
         */
        public Builder stopGrace(Duration grace) {
            Objects.requireNonNull(grace, "stopGrace");
            if (grace.isNegative() || grace.compareTo(Duration.ofHours(1)) > 0) {
                throw ContainerException.invalidSpec("linuxOptions.stopGrace", grace, "a duration from 0 to 1 hour");
            }
            this.stopGrace = grace;
            return this;
        }

        /**
         * A helper binary to use instead of the jar's (for development, or hosts where the cache directory is
         * mounted noexec). Default: the system property {@value #HELPER_PROPERTY}, else the jar's helper.
         *
         * @throws ContainerException {@code INVALID_SPEC} for a relative path
         */
        public Builder helperPath(Path helper) {
            this.helperPath = absolute("linuxOptions.helperPath", helper);
            return this;
        }

        public LinuxOptions build() {
            return new LinuxOptions(this);
        }

        private static Path absolute(String field, Path p) {
            Objects.requireNonNull(p, field);
            if (!p.isAbsolute()) {
                throw ContainerException.invalidSpec(field, p, "an absolute host path");
            }
            return p.normalize();
        }
    }
}
