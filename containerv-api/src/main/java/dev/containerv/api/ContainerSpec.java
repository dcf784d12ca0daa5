package dev.containerv.api;

import dev.containerv.internal.Checks;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
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
    private final List<Path> rootfsLayers;
    private final List<Layer> layers;
    private final Set<Capability> capabilities;
    private final String hostname;
    private final NetworkSpec network;
    private final ResourceLimits limits;
    private final List<IdMapping> uidMappings;
    private final List<IdMapping> gidMappings;
    private final SecurityPolicy policy;
    private final boolean persistent;
    private final boolean readOnlyRoot;
    private final Map<Class<?>, Object> extensions;
    private final ProcessDefaults processDefaults;

    private ContainerSpec(Builder b, String id, String hostname) {
        this.id = id;
        this.rootfsLayers = List.copyOf(b.rootfsLayers);
        this.layers = List.copyOf(b.layers);
        this.capabilities = Collections.unmodifiableSet(b.capabilities == null ? EnumSet.copyOf(DEFAULT_CAPABILITIES) : EnumSet.copyOf(b.capabilities));
        this.hostname = hostname;
        this.network = b.network;
        this.limits = b.limits;
        this.uidMappings = List.copyOf(b.uidMappings);
        this.gidMappings = List.copyOf(b.gidMappings);
        this.policy = b.policy;
        this.persistent = b.persistent;
        this.readOnlyRoot = b.readOnlyRoot;
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
        b.rootfsLayers.addAll(rootfsLayers);
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
        b.readOnlyRoot = readOnlyRoot;
        b.extensions.putAll(extensions);
        b.processDefaults = processDefaults;
        return b;
    }

    /** The id, given or generated. */
    public String id() {
        return id;
    }

    /**
     * The base root file system (host directory, never written to): the only root layer, or the bottom one of
     * {@link #rootfsLayers()}.
     */
    public Path rootfs() {
        return rootfsLayers.get(rootfsLayers.size() - 1);
    }

    /**
     * The read-only layers of the root file system, top first; the last is {@link #rootfs()}. One element unless
     * the spec was given {@link Builder#rootfsLayers(List)}. A file in a higher layer hides the same path in the
     * layers below it; the container's private writable layer lies over them all (none with
     * {@link #readOnlyRoot()}).
     */
    public List<Path> rootfsLayers() {
        return rootfsLayers;
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

    /**
     * {@code true} if the container's root is read-only: see {@link Builder#readOnlyRoot(boolean)}. Default
     * {@code false}: the root has a private writable layer.
     */
    public boolean readOnlyRoot() {
        return readOnlyRoot;
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
        return "ContainerSpec[id=" + id + ", rootfs=" + (rootfsLayers.size() == 1 ? rootfs() : rootfsLayers) + ", layers=" + layers + ", capabilities=" + capabilities
                + ", hostname=" + hostname + ", network=" + network + ", limits=" + limits + ", uidMappings=" + uidMappings
                + ", gidMappings=" + gidMappings + ", policy=" + policy + ", persistent=" + persistent
                + ", readOnlyRoot=" + readOnlyRoot + ", extensions=" + extensions.keySet() + "]";
    }

    /**
     * Builds a {@link ContainerSpec}. Setters check their own value at once; {@link #build()} checks how
     * they fit together. Not thread-safe.
     */
    public static final class Builder {
        private String id;
        private final List<Path> rootfsLayers = new ArrayList<>();
        private final List<Layer> layers = new ArrayList<>();
        private EnumSet<Capability> capabilities;
        private String hostname;
        private NetworkSpec network;
        private ResourceLimits limits = ResourceLimits.none();
        private final List<IdMapping> uidMappings = new ArrayList<>();
        private final List<IdMapping> gidMappings = new ArrayList<>();
        private SecurityPolicy policy;
        private boolean persistent;
        private boolean readOnlyRoot;
        /** The writable overlay was named as a layer (it conflicts with a read-only root). */
        private Layer writableOverlayNamed;
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

        /**
         * The base root file system, a host directory that is never written to. Required (or
         * {@link #rootfsLayers(List)}); replaces an earlier root.
         */
        public Builder rootfs(Path directory) {
            Checks.notNull("rootfs", directory, "a host directory holding the container's root file system");
            rootfsLayers.clear();
            rootfsLayers.add(directory);
            return this;
        }

        /**
         * The root file system as an ordered stack of read-only host directories, <b>top first</b> (as
         * overlayfs' {@code lowerdir} and an image's layers are listed from the top): a path in a higher layer
         * hides the same path below it, and the whiteouts of a layer (the form the provider reads, such as
         * overlayfs' 0/0 character devices and opaque directories on Linux) remove paths of the layers below.
         * The last element is the base, {@link ContainerSpec#rootfs()}. None is ever written to; the container
         * writes to its private writable layer over them all (or nowhere: {@link #readOnlyRoot(boolean)}). One element is the same as {@link #rootfs(Path)};
         * replaces an earlier root. Providers without {@link RuntimeFeature#LAYERED_ROOTFS} refuse more than one
         * layer with {@code NOT_SUPPORTED}.
         *
         * <pre>{@code
         * builder.rootfsLayers(image.layerDirs())   // containerv-images: an image's unpacked layers, top first
         * }</pre>
         *
         * @throws ContainerException {@code INVALID_SPEC} for a null list or element; {@link #build()} refuses an
         *                            empty list and one directory named twice
         */
        public Builder rootfsLayers(List<Path> layersTopFirst) {
            List<Path> checked = Checks.elements("rootfsLayers", "a list of host directories, top layer first", layersTopFirst);
            rootfsLayers.clear();
            rootfsLayers.addAll(checked);
            return this;
        }

        /** Adds a layer; a {@link Layer.Kind#BASE_ROOTFS} layer sets the root file system. */
        public Builder layer(Layer layer) {
            Checks.notNull("layers", layer, "a Layer");
            switch (layer.kind()) {
                case BASE_ROOTFS -> {
                    Path base = layer.source().orElseThrow();
                    if (!rootfsLayers.isEmpty() && !rootfsLayers.equals(List.of(base))) {
                        throw ContainerException.invalidSpec("layers", layer,
                                "one base root file system; " + (rootfsLayers.size() == 1 ? rootfsLayers.get(0) : rootfsLayers) + " was given already");
                    }
                    rootfs(base);
                }
                case WRITABLE_OVERLAY -> {
                    // Present unless the root is read-only; naming it changes nothing, but build() refuses it with readOnlyRoot.
                    writableOverlayNamed = layer;
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
         * {@code true} for a read-only root file system, as {@code docker run --read-only} or bubblewrap's
         * {@code --ro-bind rootfs /}: the root (the base root file system, or the stack of
         * {@link #rootfsLayers(List)}) is mounted read-only and there is no private writable layer at all, so
         * nothing is made on the host's disk for it. Any write to the root, by any user of the container, fails
         * with {@code EROFS}, and the container cannot make it writable again. {@link Layer#tmpfs tmpfs layers}
         * and {@link Access#READ_WRITE} {@link Layer#hostDirectory host directory layers} stay writable; the
         * provider's standard mounts ({@code /proc}, {@code /dev}, ...) stay as they are.
         *
         * <p>Every mount point the container needs must already exist in the root, since none can be made in
         * it: the directories of the provider's standard mounts (on Linux {@code /proc}, {@code /sys},
         * {@code /dev}), the container paths of the layers, and the files a provider binds (on Linux
         * {@code /etc/hosts}, {@code /etc/resolv.conf}, {@code /etc/hostname} with a {@link NetworkSpec}).
         * A missing one fails {@code create} with the path named. Default {@code false}. Providers without
         * {@link RuntimeFeature#READ_ONLY_ROOT} refuse {@code true} with {@code NOT_SUPPORTED}.
         */
        public Builder readOnlyRoot(boolean readOnly) {
            this.readOnlyRoot = readOnly;
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
         * @throws ContainerException {@code INVALID_SPEC} naming the field, for a missing root file system, an
         *                            empty {@code rootfsLayers} list or one naming a directory twice, two layers at one container path, a network without NETWORK, id
         *                            mappings without USERS or overlapping each other, a read-only root together with
         *                            an explicitly named {@link Layer#writableOverlay()}
         */
        public ContainerSpec build() {
            if (rootfsLayers.isEmpty()) {
                throw ContainerException.invalidSpec("rootfs", null, "a host directory holding the container's root file system"
                        + " (rootfs), or a non-empty list of them (rootfsLayers)");
            }
            Set<Path> distinct = new HashSet<>();
            for (Path p : rootfsLayers) {
                if (!distinct.add(p.toAbsolutePath().normalize())) {
                    throw ContainerException.invalidSpec("rootfsLayers", rootfsLayers, "each directory once; " + p + " is named twice");
                }
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
            if (readOnlyRoot && writableOverlayNamed != null) {
                throw ContainerException.invalidSpec("readOnlyRoot", true, "either readOnlyRoot(true) or layers naming "
                        + writableOverlayNamed + " (Layer.writableOverlay()), not both: a read-only root has no writable layer");
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
