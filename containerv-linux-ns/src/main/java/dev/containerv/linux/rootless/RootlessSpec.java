package dev.containerv.linux.rootless;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.linux.proc.Proc;

import java.io.IOException;
import java.util.Optional;

/**
 * What a normal user's create refuses before anything is made: a kernel that forbids user namespaces to normal
 * users ({@code PERMISSION_DENIED} naming the sysctl), uid/gid mappings that cannot be had ({@code NOT_SUPPORTED}
 * naming the missing tool, a container root mapped elsewhere than to the user, or the id, range and file of a host
 * range {@code /etc/subuid} or {@code /etc/subgid} does not grant the user; {@link SubordinateIds}) and a
 * {@code NetworkSpec} ({@code NOT_SUPPORTED}: its veth needs the host's network namespace). Mappings that pass are
 * written by {@code newuidmap}/{@code newgidmap} (plan lines of the same names). Stateless.
 */
public final class RootlessSpec {
    /** Why a rootless container cannot have a NetworkSpec. */
    public static final String NO_NETWORK_SPEC = "a NetworkSpec needs a veth pair whose host side is made and addressed in the host's"
            + " network namespace, which takes CAP_NET_ADMIN there (root); a normal user's container gets NETWORK without a NetworkSpec:"
            + " a network namespace of its own with only lo";

    private RootlessSpec() {
    }

    /**
     * Refuses, before the spec is validated, a capability a normal user's runtime does not offer: USERS (spec
     * mappings) where {@code newuidmap}/{@code newgidmap} are missing or {@code /etc/subuid} or {@code /etc/subgid}
     * grants the user no range ({@link SubordinateIds#unavailable}).
     *
     * @param uid    the user's uid (the runtime's effective uid)
     * @param grants what this host grants for mappings, read once for the create ({@link SubordinateIds.Grants#here()});
     *               asked only where the spec has USERS (may be {@code null} otherwise)
     */
    public static void requireCapabilities(ContainerSpec spec, long uid, SubordinateIds.Grants grants, String op, String id) {
        if (spec.has(dev.containerv.api.Capability.USERS)) {
            String why = SubordinateIds.unavailableHere(uid, grants).orElse(null);
            if (why != null) {
                throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "capability USERS (uid/gid mappings of the spec) is not offered to"
                        + " this normal user: " + why).operation(op).containerId(id).build();
            }
        }
    }

    /**
     * Refuses what a normal user cannot have; returns normally otherwise.
     *
     * @param grants what this host grants for mappings, as {@link #requireCapabilities} was given
     */
    public static void require(ContainerSpec spec, Proc proc, SubordinateIds.Grants grants, String op, String id) {
        Optional<String> forbidden = UserNamespacePolicy.forbidden(proc);
        if (forbidden.isPresent()) {
            throw ContainerException.builder(ErrorKind.PERMISSION_DENIED, "a rootless container needs a user namespace: " + forbidden.get())
                    .operation(op).containerId(id).build();
        }
        if (!spec.uidMappings().isEmpty() || !spec.gidMappings().isEmpty()) {
            String why;
            try {
                why = SubordinateIds.problem(spec.uidMappings(), spec.gidMappings(), System.getProperty("user.name"), proc.euid(), proc.egid(),
                        grants).orElse(null);
            } catch (IOException e) {
                why = "cannot read /etc/subuid or /etc/subgid: " + e;
            }
            if (why != null) {
                throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, why).operation(op).containerId(id).build();
            }
        }
        if (spec.rootfsLayers().size() > 1) {
            throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "a root of " + spec.rootfsLayers().size() + " layers (rootfsLayers) is"
                    + " not offered to a normal user: an overlay in a user namespace keeps opaque directories in user.overlay.* xattrs"
                    + " (userxattr), which layers unpacked for root do not carry; give a single rootfs").operation(op).containerId(id).build();
        }
        if (spec.network().isPresent()) {
            throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "network " + spec.network().get() + ": " + NO_NETWORK_SPEC)
                    .operation(op).containerId(id).build();
        }
    }
}
