package dev.containerv.api;

import dev.containerv.internal.Checks;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything a provider needs to create a container. Immutable; built and validated by {@link Builder}.
 *
 * <pre>{@code
 * ContainerSpec spec = ContainerSpec.builder()
 *         .id("build-42")
 *         .rootfs(Path.of("/srv/rootfs/debian"))
 *         .layer(Layer.hostDirectory(Path.of("/home/me/src"), "/src", Access.READ_ONLY))
 *         .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.IPC)
 *         .build();
 * }</pre>
 */
public final class ContainerSpec {
    /** The capabilities used when none are given. */
    public static final Set<Capability> DEFAULT_CAPABILITIES =
            Collections.unmodifiableSet(EnumSet.of(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.IPC));

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final Path rootfs;
    private final List<Layer> layers;
    private final Set<Capability> capabilities;
    private final String hostname;
    private final NetworkSpec network;
    private final ResourceLimits limits;
    private final List<IdMapping> uidMappings;
    private final List<IdMapping> gidMappings;
    private final SecurityPolicy policy;
    private final boolean persistent;
    private final Map<Class<?>, Object> extensions;
    private final ProcessDefaults processDefaults;

    private ContainerSpec(Builder b, String id, String hostname) {
        this.id = id;
        this.rootfs = b.rootfs;
        this.layers = List.copyOf(b.layers);
        this.capabilities = Collections.unmodifiableSet(b.capabilities == null ? EnumSet.copyOf(DEFAULT_CAPABILITIES) : EnumSet.copyOf(b.capabilities));
        this.hostname = hostname;
        this.network = b.network;
        this.limits = b.limits;
        this.uidMappings = List.copyOf(b.uidMappings);
        this.gidMappings = List.copyOf(b.gidMappings);
        this.policy = b.policy;
        this.persistent = b.persistent;
        this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(b.extensions));
        this.processDefaults = b.processDefaults;
    }

    /** A builder with no values set: the id is generated and the capabilities are {@link #DEFAULT_CAPABILITIES}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether {@code id} is a valid container id: 1 to 64 characters from {@code [A-Za-z0-9_.-]}, starting
     * with a letter or digit, so it can never become a path. For callers that check ids they did not build
     * a spec with, such as the argument of {@link ContainerRuntime#open(String)}.
     */
    public static boolean isValidId(String id) {
        return Checks.isId(id);
    }

    /**
     * Returns {@code id} if it is valid (see {@link #isValidId(String)}).
     *
     * @throws ContainerException {@code INVALID_SPEC} naming the field {@code id}, the value and what is accepted
     */
    public static String requireValidId(String id) {
        return Checks.id("id", id);
    }

    /** A builder holding this spec's values, id included. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.rootfs = rootfs;
        b.layers.addAll(layers);
        b.capabilities = EnumSet.noneOf(Capability.class);
        b.capabilities.addAll(capabilities);
        b.hostname = hostname;
        b.network = network;
        b.limits = limits;
        b.uidMappings.addAll(uidMappings);
        b.gidMappings.addAll(gidMappings);
        b.policy = policy;
        b.persistent = persistent;
        b.extensions.putAll(extensions);
        b.processDefaults = processDefaults;
        return b;
    }

    /** The id, given or generated. */
    public String id() {
        return id;
    }

    /** The base root file system (host directory, never written to). */
    public Path rootfs() {
        return rootfs;
    }

    /** Layers over the root, in mount order (the base and the writable overlay are not listed). */
    public List<Layer> layers() {
        return layers;
    }

    /** The requested capabilities (an unmodifiable set). */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /** {@code true} if the capability is requested. */
    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }

    /** The host name; defaults to the id. */
    public String hostname() {
        return hostname;
    }

    /** The network addressing; empty for none (with {@link Capability#NETWORK}: an isolated stack with loopback only). */
    public Optional<NetworkSpec> network() {
        return Optional.ofNullable(network);
    }

    /** The limits; {@link ResourceLimits#isEmpty()} when none were given. */
    public ResourceLimits limits() {
        return limits;
    }

    /** The user id mappings; empty for none. */
    public List<IdMapping> uidMappings() {
        return uidMappings;
    }

    /** The group id mappings; empty for none. */
    public List<IdMapping> gidMappings() {
        return gidMappings;
    }

    /** The security policy; empty for none. */
    public Optional<SecurityPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    /** {@code true} if the container outlives the process that created it, until destroyed. */
    public boolean persistent() {
        return persistent;
    }

    /** The platform options of the given type, if any were given. */
    public <T> Optional<T> extension(Class<T> type) {
        return Optional.ofNullable(extensions.get(type)).map(type::cast);
    }

    /** What every process gets unless its own spec says otherwise; {@link ProcessDefaults#none()} by default. */
    public ProcessDefaults processDefaults() {
        return processDefaults;
    }

    /** Every platform option given, by type. */
    public Map<Class<?>, Object> extensions() {
        return extensions;
    }

    @Override
    public String toString() {
        return "ContainerSpec[id=" + id + ", rootfs=" + rootfs + ", layers=" + layers + ", capabilities=" + capabilities
                + ", hostname=" + hostname + ", network=" + network + ", limits=" + limits + ", uidMappings=" + uidMappings
                + ", gidMappings=" + gidMappings + ", policy=" + policy + ", persistent=" + persistent
                + ", extensions=" + extensions.keySet() + "]";
    }

    /**
     * Builds a {@link ContainerSpec}. Setters check their own value at once; {@link #build()} checks how
     * they fit together. Not thread-safe.
     */
    public static final class Builder {
        private String id;
        private Path rootfs;
        private final List<Layer> layers = new ArrayList<>();
        private EnumSet<Capability> capabilities;
        private String hostname;
        private NetworkSpec network;
        private ResourceLimits limits = ResourceLimits.none();
        private final List<IdMapping> uidMappings = new ArrayList<>();
        private final List<IdMapping> gidMappings = new ArrayList<>();
        private SecurityPolicy policy;
        private boolean persistent;
        private final Map<Class<?>, Object> extensions = new LinkedHashMap<>();
        private ProcessDefaults processDefaults = ProcessDefaults.none();

        private Builder() {
        }

        /**
         * The id: 1 to 64 characters from {@code [A-Za-z0-9_.-]}, starting with a letter or digit.
         * Default: {@code cv-} and 12 random hex digits.
         */
        public Builder id(String id) {
            this.id = Checks.id("id", id);
            return this;
        }

        /** The base root file system, a host directory that is never written to. Required. */
        public Builder rootfs(Path directory) {
            this.rootfs = Checks.notNull("rootfs", directory, "a host directory holding the container's root file system");
            return this;
        }

        /** Adds a layer; a {@link Layer.Kind#BASE_ROOTFS} layer sets the root file system. */
        public Builder layer(Layer layer) {
            Checks.notNull("layers", layer, "a Layer");
            switch (layer.kind()) {
                case BASE_ROOTFS -> {
                    if (rootfs != null && !rootfs.equals(layer.source().orElseThrow())) {
                        throw ContainerException.invalidSpec("layers", layer,
                                "one base root file system; " + rootfs + " was given already");
                    }
                    rootfs = layer.source().orElseThrow();
                }
                case WRITABLE_OVERLAY -> {
                    // Always present; naming it changes nothing.
                }
                default -> layers.add(layer);
            }
            return this;
        }

        /** Adds layers in order. */
        public Builder layers(List<Layer> layers) {
            Checks.elements("layers", "a list of Layers", layers).forEach(this::layer);
            return this;
        }

        /** The isolation wanted; replaces earlier calls. Default: FILESYSTEM, PROCESS_CONTROL, IPC. */
        public Builder capabilities(Capability... capabilities) {
            EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
            set.addAll(Checks.elements("capabilities", "Capability values", capabilities));
            this.capabilities = set;
            return this;
        }

        /** The isolation wanted; replaces earlier calls. */
        public Builder capabilities(Set<Capability> capabilities) {
            return capabilities(Checks.elements("capabilities", "a set of Capability values", capabilities).toArray(new Capability[0]));
        }

        /** The host name (RFC 1123, at most 64 characters). Default: the id. */
        public Builder hostname(String hostname) {
            this.hostname = Checks.hostname("hostname", hostname);
            return this;
        }

        /** Network addressing; needs {@link Capability#NETWORK}. Default: an isolated stack with {@code lo} only. */
        public Builder network(NetworkSpec network) {
            this.network = Checks.notNull("network", network, "a NetworkSpec");
            return this;
        }

        /** Resource limits. Default: none. */
        public Builder limits(ResourceLimits limits) {
            this.limits = Checks.notNull("limits", limits, "ResourceLimits (ResourceLimits.none() for none)");
            return this;
        }

        /** uid mappings; need {@link Capability#USERS}. Replaces earlier calls. */
        public Builder uidMappings(IdMapping... mappings) {
            List<IdMapping> checked = Checks.elements("uidMappings", "IdMapping values", mappings);
            uidMappings.clear();
            uidMappings.addAll(checked);
            return this;
        }

        /** gid mappings; need {@link Capability#USERS}. Replaces earlier calls. */
        public Builder gidMappings(IdMapping... mappings) {
            List<IdMapping> checked = Checks.elements("gidMappings", "IdMapping values", mappings);
            gidMappings.clear();
            gidMappings.addAll(checked);
            return this;
        }

        /** The security policy. Default: none (the provider's base hardening only). */
        public Builder policy(SecurityPolicy policy) {
            this.policy = Checks.notNull("policy", policy, "a SecurityPolicy");
            return this;
        }

        /** {@code true} to let the container outlive its creator until destroyed. Default {@code false}. */
        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        /**
         * Environment, working directory and user for every process of the container unless its
         * {@link ProcessSpec} names its own. Default: {@link ProcessDefaults#none()}.
         */
        public Builder processDefaults(ProcessDefaults defaults) {
            this.processDefaults = Checks.notNull("processDefaults", defaults, "ProcessDefaults (ProcessDefaults.none() for none)");
            return this;
        }

        /**
         * Platform options, such as {@code LinuxOptions} or {@code WindowsOptions}; one per type, later
         * calls replace earlier ones. A provider refuses options it needs but cannot honour.
         */
        public Builder extension(Object options) {
            Checks.notNull("extension", options, "a platform options object such as LinuxOptions or WindowsOptions");
            extensions.put(options.getClass(), options);
            return this;
        }

        /**
         * Checks that the values fit together and builds the spec.
         *
         * @throws ContainerException {@code INVALID_SPEC} naming the field, for a missing root file system,
         *                            two layers at one container path, a network without NETWORK, id
         *                            mappings without USERS or overlapping each other
         */
        public ContainerSpec build() {
            if (rootfs == null) {
                throw ContainerException.invalidSpec("rootfs", null, "a host directory holding the container's root file system");
            }
            Set<Capability> caps = capabilities == null ? DEFAULT_CAPABILITIES : capabilities;
            List<String> seen = new ArrayList<>();
            for (Layer layer : layers) {
                String at = layer.containerPath().orElseThrow();
                if (at.equals("/") || at.matches("[A-Z]:\\\\")) {
                    throw ContainerException.invalidSpec("layers", layer, "a layer below the root; the root is the rootfs");
                }
                if (seen.contains(at)) {
                    throw ContainerException.invalidSpec("layers", layer, "one layer per container path; " + at + " is used twice");
                }
                seen.add(at);
            }
            if (network != null && !caps.contains(Capability.NETWORK)) {
                throw ContainerException.invalidSpec("network", network, "a network only together with Capability.NETWORK");
            }
            checkMappings("uidMappings", uidMappings, caps);
            checkMappings("gidMappings", gidMappings, caps);
            String finalId = id != null ? id : generateId();
            String finalHostname = hostname != null ? hostname : hostnameFor(finalId);
            return new ContainerSpec(this, finalId, finalHostname);
        }

        private static void checkMappings(String field, List<IdMapping> mappings, Set<Capability> caps) {
            if (!mappings.isEmpty() && !caps.contains(Capability.USERS)) {
                throw ContainerException.invalidSpec(field, mappings, "id mappings only together with Capability.USERS");
            }
            for (int i = 0; i < mappings.size(); i++) {
                for (int j = i + 1; j < mappings.size(); j++) {
                    if (mappings.get(i).overlaps(mappings.get(j))) {
                        throw ContainerException.invalidSpec(field, mappings,
                                "mappings whose container ranges and host ranges do not overlap; " + mappings.get(i) + " overlaps " + mappings.get(j));
                    }
                }
            }
        }

        private static String generateId() {
            byte[] bytes = new byte[6];
            RANDOM.nextBytes(bytes);
            return "cv-" + HexFormat.of().formatHex(bytes);
        }

        /** The id as a hostname: '_' becomes '-', and every label loses the '-' it starts or ends with. */
        private static String hostnameFor(String id) {
            String h = Arrays.stream(id.replace('_', '-').split("\\.+"))
                    .map(label -> label.replaceAll("^-+|-+$", ""))
                    .filter(label -> !label.isEmpty())
                    .collect(Collectors.joining("."));
            if (h.length() > 63) {
                h = h.substring(0, 63).replaceAll("[.-]+$", "");
            }
            return h.isEmpty() ? "container" : h;
        }
    }
}
