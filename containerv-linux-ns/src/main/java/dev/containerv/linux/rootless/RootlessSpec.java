package dev.containerv.linux.rootless;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.linux.proc.Proc;

import java.util.Optional;

/**
 * What a normal user's create refuses before anything is made: a kernel that forbids user namespaces to normal
 * users ({@code PERMISSION_DENIED} naming the sysctl), and a {@code NetworkSpec} ({@code NOT_SUPPORTED}: its veth
 * needs the host's network namespace). Stateless.
 */
public final class RootlessSpec {
    /** Why a rootless container cannot have a NetworkSpec. */
    public static final String NO_NETWORK_SPEC = "a NetworkSpec needs a veth pair whose host side is made and addressed in the host's"
            + " network namespace, which takes CAP_NET_ADMIN there (root); a normal user's container gets NETWORK without a NetworkSpec:"
            + " a network namespace of its own with only lo";

    private RootlessSpec() {
    }

    /** Refuses what a normal user cannot have; returns normally otherwise. */
    public static void require(ContainerSpec spec, Proc proc, String op, String id) {
        Optional<String> forbidden = UserNamespacePolicy.forbidden(proc);
        if (forbidden.isPresent()) {
            throw ContainerException.builder(ErrorKind.PERMISSION_DENIED, "a rootless container needs a user namespace: " + forbidden.get())
                    .operation(op).containerId(id).build();
        }
        if (spec.network().isPresent()) {
            throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "network " + spec.network().get() + ": " + NO_NETWORK_SPEC)
                    .operation(op).containerId(id).build();
        }
    }
}
