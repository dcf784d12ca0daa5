package dev.containerv.linux;

import dev.containerv.api.ContainerException;
import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.rootless.UserPlaces;
import dev.containerv.linux.security.LinuxCapability;

import java.io.IOException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
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
 * {@value #LAYER_ROOT_PROPERTY}, else {@code /run/containerv} and {@code /var/lib/containerv} as root, and the
 * user's own places as a normal user ({@code $XDG_RUNTIME_DIR/containerv} or {@code /tmp/containerv-<uid>},
 * {@code $XDG_DATA_HOME/containerv} or {@code ~/.local/share/containerv}; see {@link UserPlaces}).
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
    private final Set<String> addedCapabilities;
    private final boolean noNewPrivileges;

    private LinuxOptions(Builder b) {
        this.stateRoot = b.stateRoot;
        this.layerRoot = b.layerRoot;
        this.stopGrace = b.stopGrace;
        this.helperPath = b.helperPath;
        this.addedCapabilities = Collections.unmodifiableSet(new TreeSet<>(b.addedCapabilities));
        this.noNewPrivileges = b.noNewPrivileges;
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
        b.addedCapabilities.addAll(addedCapabilities);
        b.noNewPrivileges = noNewPrivileges;
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

    /**
     * Capabilities (canonical names without {@code CAP_}, such as {@code NET_ADMIN}) that container processes
     * running as root get on top of the default set. Empty by default.
     */
    public Set<String> addedCapabilities() {
        return addedCapabilities;
    }

    /** Whether every container process runs with no_new_privs (default true). */
    public boolean noNewPrivileges() {
        return noNewPrivileges;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinuxOptions l && stateRoot.equals(l.stateRoot) && layerRoot.equals(l.layerRoot)
                && stopGrace.equals(l.stopGrace) && Objects.equals(helperPath, l.helperPath)
                && addedCapabilities.equals(l.addedCapabilities) && noNewPrivileges == l.noNewPrivileges;
    }

    @Override
    public int hashCode() {
        return Objects.hash(stateRoot, layerRoot, stopGrace, helperPath, addedCapabilities, noNewPrivileges);
    }

    @Override
    public String toString() {
        return "LinuxOptions[stateRoot=" + stateRoot + ", layerRoot=" + layerRoot + ", stopGrace=" + stopGrace
                + (helperPath != null ? ", helperPath=" + helperPath : "")
                + (addedCapabilities.isEmpty() ? "" : ", addedCapabilities=" + addedCapabilities)
                + (noNewPrivileges ? "" : ", noNewPrivileges=false") + "]";
    }

    /** Builds {@link LinuxOptions}. Not thread-safe. */
    public static final class Builder {
        private Path stateRoot = Path.of(System.getProperty(STATE_ROOT_PROPERTY, DefaultRoots.state().toString()));
        private Path layerRoot = Path.of(System.getProperty(LAYER_ROOT_PROPERTY, DefaultRoots.layers().toString()));
        private Duration stopGrace = Duration.ofSeconds(10);
        private Path helperPath;
        private final Set<String> addedCapabilities = new TreeSet<>();
        private boolean noNewPrivileges = true;

        private Builder() {
        }

        /**
         * The state root, an absolute host path. Default {@code /run/containerv} as root, the user's runtime
         * directory otherwise ({@link UserPlaces}), or {@value #STATE_ROOT_PROPERTY}. The control socket path {@code <root>/<id>/control} must fit in
         * 107 bytes.
         *
         * @throws ContainerException {@code INVALID_SPEC} for a relative path
         */
        public Builder stateRoot(Path root) {
            this.stateRoot = absolute("linuxOptions.stateRoot", root);
            return this;
        }

        /**
         * The layer root, an absolute host path. Default {@code /var/lib/containerv} as root, the user's data
         * directory otherwise ({@link UserPlaces}), or {@value #LAYER_ROOT_PROPERTY}.
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

        /**
         * Adds capabilities to the container's default set (bounding, permitted, effective and inheritable of
         * processes running as root), by name ({@code NET_ADMIN} or {@code CAP_NET_ADMIN}, any case).
         * <b>For trusted workloads only</b>: capabilities such as {@code SYS_ADMIN}, {@code DAC_READ_SEARCH} or
         * {@code SYS_PTRACE} let a root process in the container reach the host (docs/linux-provider.md,
         * threat model).
         *
         * @throws ContainerException {@code INVALID_SPEC} naming an unknown capability
         */
        public Builder addCapabilities(String... names) {
            for (String n : names) {
                addedCapabilities.add(LinuxCapability.of(Objects.requireNonNull(n, "capability")).name());
            }
            return this;
        }

        /**
         * Whether every container process runs with no_new_privs (default true): setuid/setgid bits and file
         * capabilities then raise nothing. Turning it off lets a setuid program raise a non-root user up to the
         * container's capability set; it is accepted only without a {@code SecurityPolicy} (an allow-list
         * filter would have to be loaded before the setup calls it does not allow).
         */
        public Builder noNewPrivileges(boolean on) {
            this.noNewPrivileges = on;
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

    /** The default roots of this JVM's user, decided once: the uid and the XDG variables do not change. */
    private static final class DefaultRoots {
        private static final UserPlaces USER = user();

        private static UserPlaces user() {
            long euid;
            try {
                euid = Proc.HOST.euid();
            } catch (IOException | RuntimeException e) {
                euid = 0; // not Linux, or no /proc: the provider is unavailable anyway and says why
            }
            return euid == 0 ? null : UserPlaces.ofThisUser(euid);
        }

        static Path state() {
            return USER == null ? Path.of("/run/containerv") : USER.stateRoot();
        }

        static Path layers() {
            return USER == null ? Path.of("/var/lib/containerv") : USER.layerRoot();
        }
    }
}
