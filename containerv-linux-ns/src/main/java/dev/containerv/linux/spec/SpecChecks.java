package dev.containerv.linux.spec;

import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerPaths;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.Layer;
import dev.containerv.api.SecurityPolicy;
import dev.containerv.linux.LinuxOptions;
import dev.containerv.linux.network.Addressing;
import dev.containerv.linux.security.Arch;
import dev.containerv.linux.security.SeccompFilter;
import dev.containerv.linux.userns.IdMaps;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What linux-ns accepts, checked before anything is created: the capabilities this design needs, the features
 * that come later (refused with {@code NOT_SUPPORTED} naming them), layer paths and sources, the rootfs, root
 * privileges, a spec's own helper and the control socket's path length. Every refusal names the field, the
 * value and what is accepted. Stateless.
 */
public final class SpecChecks {
    private static final System.Logger LOG = System.getLogger(SpecChecks.class.getName());
    /** The longest path of a Unix socket ({@code sun_path} less its NUL). */
    private static final int MAX_SOCKET_PATH = 107;
    /** overlayfs' most lower layers ({@code OVL_MAX_STACK}). */
    static final int MAX_ROOT_LAYERS = 500;

    private SpecChecks() {
    }

    /**
     * Checks a spec (every root layer: present, a directory, a real path overlayfs can name, at most 500, no two the
     * same) and returns the real path of its base rootfs (what the plan names as the overlay's bottom lower dir).
     *
     * @throws ContainerException {@code NOT_SUPPORTED}, {@code NOT_FOUND} or {@code INVALID_SPEC}, naming what is wrong
     */
    public static Path validate(ContainerSpec spec, String op) {
        String id = spec.id();
        Set<Capability> caps = spec.capabilities();
        for (Capability required : List.of(Capability.FILESYSTEM, Capability.PROCESS_CONTROL)) {
            if (!caps.contains(required)) {
                throw notSupported(op, id, "a spec without Capability." + required + ": linux-ns always gives a container its own "
                        + "mount and pid namespaces (its root is an overlay, its helper is PID 1 and reaps every process); add "
                        + required + " to the capabilities");
            }
        }
        try {
            IdMaps.of(spec); // USERS needs uid and gid mappings that map container id 0
        } catch (ContainerException e) {
            throw ContainerException.builder(e.kind(), e.getMessage()).operation(op).containerId(id).cause(e).build();
        }
        if (spec.network().isPresent()) {
            try {
                Addressing.check(spec.network().get());
            } catch (ContainerException e) {
                throw ContainerException.builder(e.kind(), e.getMessage()).operation(op).containerId(id).cause(e).build();
            }
        }
        if (spec.policy().isPresent()) {
            SecurityPolicy policy = spec.policy().get();
            if (!spec.extension(LinuxOptions.class).map(LinuxOptions::noNewPrivileges).orElse(true)) {
                throw ContainerException.invalidSpec("linuxOptions.noNewPrivileges", false,
                        "true when the spec has a SecurityPolicy (an allow-list filter needs no_new_privs)");
            }
            SeccompFilter.forPolicy(policy, Arch.current()); // an unknown system call is INVALID_SPEC naming it
        }
        for (Object ext : spec.extensions().values()) {
            if (!(ext instanceof LinuxOptions)) {
                LOG.log(Level.DEBUG, () -> "ignoring extension for another platform: " + ext.getClass().getName());
            }
        }
        for (Layer layer : spec.layers()) {
            String at = ContainerPaths.check("layer.containerPath", layer.containerPath().orElseThrow(), GuestOs.LINUX);
            if (layer.kind() == Layer.Kind.HOST_DIRECTORY) {
                Path src = layer.source().orElseThrow();
                if (!Files.exists(src)) {
                    throw ContainerException.builder(ErrorKind.NOT_FOUND, "layer source " + src + " (for " + at + ") does not exist on the host")
                            .operation(op).containerId(id).build();
                }
            }
        }
        List<Path> rootLayers = spec.rootfsLayers();
        if (rootLayers.size() > MAX_ROOT_LAYERS) {
            throw ContainerException.invalidSpec("rootfsLayers", rootLayers.size() + " layers",
                    "at most " + MAX_ROOT_LAYERS + " root layers (overlayfs' stack limit)");
        }
        if (rootLayers.size() > 1 && caps.contains(Capability.USERS)) {
            throw notSupported(op, id, "a root of " + rootLayers.size() + " layers (rootfsLayers) together with Capability.USERS: "
                    + "the idmapped mount that shows the root's files owned by the container's ids covers one root directory "
                    + "only; give a single rootfs, or leave USERS out");
        }
        List<Path> real = new ArrayList<>(rootLayers.size());
        for (int i = 0; i < rootLayers.size(); i++) {
            real.add(realRootLayer(rootLayers.size() == 1 ? "rootfs" : "rootfsLayers[" + i + "]", rootLayers.get(i), op, id));
        }
        if (new HashSet<>(real).size() != real.size()) {
            throw ContainerException.invalidSpec("rootfsLayers", rootLayers, "each directory once; two of them are the same directory " + real);
        }
        return real.get(real.size() - 1);
    }

    private static Path realRootLayer(String field, Path rootfs, String op, String id) {
        if (!Files.exists(rootfs)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, field + " " + rootfs + " does not exist; give a host directory holding the container's root file system")
                    .operation(op).containerId(id).build();
        }
        if (!Files.isDirectory(rootfs)) {
            throw ContainerException.builder(ErrorKind.INVALID_SPEC, field + " " + rootfs + " is not a directory; accepted: a host directory holding the container's root file system")
                    .operation(op).containerId(id).build();
        }
        Path real;
        try {
            real = rootfs.toRealPath();
        } catch (IOException e) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, field + " " + rootfs + " cannot be resolved: " + e.getMessage())
                    .operation(op).containerId(id).cause(e).build();
        }
        String s = real.toString();
        if (s.contains(",") || s.contains(":") || s.contains("\\")) {
            throw ContainerException.invalidSpec(field, rootfs, "a directory whose real path has no ',', ':' or '\\' (overlayfs cannot name it)");
        }
        return real;
    }

    /** A helper named by the spec's LinuxOptions; the launch itself refuses one of another plan version. */
    public static Path requireHelper(String op, String id, Path path) {
        if (!Files.isRegularFile(path)) {
            throw ContainerException.builder(ErrorKind.NOT_FOUND, "linuxOptions.helperPath: the helper " + path
                    + " does not exist or is not a file; accepted: the path of a containerv-helper binary").operation(op).containerId(id).build();
        }
        if (!Files.isExecutable(path)) {
            throw ContainerException.builder(ErrorKind.PERMISSION_DENIED, "linuxOptions.helperPath: the helper " + path
                    + " is not executable by this process; accepted: a containerv-helper binary this process may execute").operation(op).containerId(id).build();
        }
        return path;
    }

    /** Refuses a state root whose control socket path would not fit a Unix socket address. */
    public static void requireSocketPathFits(LinuxOptions options, Path socket) {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw ContainerException.invalidSpec("linuxOptions.stateRoot", options.stateRoot(),
                    "a state root short enough that " + socket + " fits the " + MAX_SOCKET_PATH + " bytes of a Unix socket path");
        }
    }

    private static ContainerException notSupported(String op, String id, String what) {
        return ContainerException.builder(ErrorKind.NOT_SUPPORTED, "linux-ns does not support " + what).operation(op).containerId(id).build();
    }
}
