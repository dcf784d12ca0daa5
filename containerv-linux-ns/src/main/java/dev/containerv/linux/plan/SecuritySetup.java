package dev.containerv.linux.plan;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Layer;
import dev.containerv.linux.LinuxOptions;
import dev.containerv.linux.security.Arch;
import dev.containerv.linux.security.CapabilitySet;
import dev.containerv.linux.security.LinuxCapability;
import dev.containerv.linux.security.MaskedPaths;
import dev.containerv.linux.security.SeccompFilter;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What makes every container a boundary, decided here and sent to the helper as plan directives (issue 12):
 * the capability sets ({@link CapabilitySet#containerDefault()} plus {@link LinuxOptions#addedCapabilities()}),
 * no_new_privs (unless {@link LinuxOptions#noNewPrivileges()} is off), the seccomp filter (the default deny-list,
 * or the allow-list of the spec's {@code SecurityPolicy}; log-only with {@value SeccompFilter#LOG_ONLY_ENV}=1), the
 * policy's path rules (enforced with Landlock; a kernel without it makes the create fail {@code NOT_SUPPORTED}),
 * and the masked and read-only paths (runc's lists, plus containerv's own directories where the root file system
 * contains them).
 */
public final class SecuritySetup {
    private static final Logger LOG = System.getLogger(SecuritySetup.class.getName());

    /**
     * What every create without {@link LinuxOptions#addedCapabilities()} or a {@code SecurityPolicy} sends, the same each
     * time: made once, not per create (the capability texts and the deny-list's filter and lines cost 0.15 ms a create,
     * rootless on the loaded CI machine, 2026-11-30). Anything a spec or option changes is still computed per create.
     */
    private static final List<String> DEFAULT_CAPS_TEXT = capsText(CapabilitySet.containerDefault());
    private static final Map<FilterKey, List<String>> DEFAULT_SECCOMP_LINES = new ConcurrentHashMap<>();

    private record FilterKey(Arch arch, boolean logOnly) {
    }

    private SecuritySetup() {
    }

    /** The plan texts of the five sets, in the order of the plan's {@code caps} line. */
    private static List<String> capsText(CapabilitySet caps) {
        return List.of(CapabilitySet.planText(caps.bounding()), CapabilitySet.planText(caps.permitted()),
                CapabilitySet.planText(caps.effective()), CapabilitySet.planText(caps.inheritable()), CapabilitySet.planText(caps.ambient()));
    }

    /** The seccomp filter of a spec on this machine. */
    public static SeccompFilter filter(ContainerSpec spec, Map<String, String> env) {
        Arch arch = Arch.current();
        SeccompFilter f = spec.policy().map(p -> SeccompFilter.forPolicy(p, arch)).orElseGet(() -> SeccompFilter.defaultDenyList(arch));
        return f.logOnly(SeccompFilter.logOnlyRequested(env));
    }

    /**
     * Adds the hardening directives to a plan. {@code ownDirs} are containerv's host directories (state root,
     * layer root, helper cache): each one inside {@code rootfs} (or another root layer) or inside the source of a host-directory layer is
     * masked where the container sees it.
     */
    public static LaunchPlan apply(LaunchPlan plan, ContainerSpec spec, Path rootfs, LinuxOptions options, Collection<Path> ownDirs,
                                   Map<String, String> env) {
        List<String> capsText = options.addedCapabilities().isEmpty() ? DEFAULT_CAPS_TEXT
                : capsText(CapabilitySet.containerDefault().withAdded(options.addedCapabilities().stream().map(LinuxCapability::of).toList()));
        plan.caps(capsText.get(0), capsText.get(1), capsText.get(2), capsText.get(3), capsText.get(4));
        if (options.noNewPrivileges()) {
            plan.noNewPrivileges();
        }
        if (!spec.has(Capability.NETWORK)) {
            // The host's network namespace: its abstract Unix sockets are in reach, which no file mode or mount protects.
            plan.landlockScopeAbstractUnix();
        }
        boolean logOnly = SeccompFilter.logOnlyRequested(env);
        if (logOnly) {
            LOG.log(Level.WARNING, () -> "container " + spec.id() + ": " + SeccompFilter.LOG_ONLY_ENV
                    + "=1, system calls outside the seccomp filter are only logged, not denied");
        }
        plan.seccomp(spec.policy().isPresent() ? filter(spec, env).planLines()
                : DEFAULT_SECCOMP_LINES.computeIfAbsent(new FilterKey(Arch.current(), logOnly),
                        k -> SeccompFilter.defaultDenyList(k.arch()).logOnly(k.logOnly()).planLines()));
        spec.policy().ifPresent(p -> p.pathRules().forEach(r -> plan.landlock(r.access() == Access.READ_WRITE, r.path())));
        List<Path> own = ownDirs.stream().map(SecuritySetup::real).toList();
        List<Path> inside = new ArrayList<>(within(rootfs, "/", own));
        for (Path layer : spec.rootfsLayers().subList(0, spec.rootfsLayers().size() - 1)) {
            inside.addAll(within(real(layer), "/", own));
        }
        // A bind of a directory that holds the state root would hand the container every control socket of the
        // host (PID 1 refuses clients from inside too, but the state files and the other layers stay ours).
        for (Layer l : spec.layers()) {
            if (l.kind() == Layer.Kind.HOST_DIRECTORY) {
                inside.addAll(within(real(l.source().orElseThrow()), l.containerPath().orElseThrow(), own));
            }
        }
        MaskedPaths paths = MaskedPaths.defaults().withMasked(inside);
        paths.masked().forEach(plan::mask);
        paths.readOnly().forEach(plan::readOnly);
        return plan;
    }

    /**
     * Refuses a root file system (any of its layers) or host-directory layer that lies inside one of containerv's roots ({@code roots}:
     * the state root and the layer root). Masking covers a layer that <em>contains</em> them, but
     * one inside them would show another container's control socket, state or writable layer, and the control
     * server cannot tell a sibling container's process from the JVM (both are outside its pid namespace).
     *
     * @throws ContainerException {@code PERMISSION_DENIED} naming the layer and the directory
     */
    public static void requireOutsideOwnDirectories(ContainerSpec spec, Path rootfs, Collection<Path> roots, String op, String id) {
        List<Path> own = roots.stream().map(SecuritySetup::real).toList();
        List<Map.Entry<String, Path>> sources = new ArrayList<>();
        sources.add(Map.entry("rootfs", real(rootfs)));
        List<Path> rootLayers = spec.rootfsLayers();
        for (int i = 0; i < rootLayers.size() - 1; i++) {
            sources.add(Map.entry("rootfsLayers[" + i + "]", real(rootLayers.get(i))));
        }
        for (Layer l : spec.layers()) {
            if (l.kind() == Layer.Kind.HOST_DIRECTORY) {
                sources.add(Map.entry("layer " + l.containerPath().orElseThrow(), real(l.source().orElseThrow())));
            }
        }
        for (Map.Entry<String, Path> source : sources) {
            for (Path dir : own) {
                if (source.getValue().startsWith(dir)) {
                    throw ContainerException.builder(ErrorKind.PERMISSION_DENIED, source.getKey() + ": " + source.getValue()
                            + " lies inside containerv's own directory " + dir + ", which holds other containers' control sockets,"
                            + " state and layers; accepted: a host directory outside " + own).operation(op).containerId(id).build();
                }
            }
        }
    }

    /** The real path, or the normalised absolute one while it does not exist yet (masked if it appears before start). */
    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Where each of {@code own} that lies below (or at) {@code source} appears in a container that shows it at {@code at}. */
    private static List<Path> within(Path source, String at, List<Path> own) {
        List<Path> found = new ArrayList<>();
        for (Path n : own) {
            if (n.startsWith(source)) {
                Path p = Path.of(at).resolve(source.relativize(n).toString()).normalize();
                if (p.getNameCount() > 0) {
                    found.add(p);
                }
            }
        }
        return found;
    }
}
