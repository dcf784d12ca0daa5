package dev.containerv.api;

import java.util.List;
import java.util.Set;

/**
 * One provider's way of making containers on this host. Obtain one from {@link ContainerRuntimes}.
 * Thread-safe.
 */
public interface ContainerRuntime {
    /** The provider's name, such as {@code linux-ns}. */
    String name();

    /** The guest operating system of the containers it makes. */
    GuestOs guestOs();

    /** The isolation capabilities it can honour. */
    Set<Capability> capabilities();

    /** The optional features it has. */
    Set<RuntimeFeature> features();

    /**
     * Creates and starts a container. All or nothing: on failure nothing of it is left behind.
     *
     * @throws ContainerException {@code ALREADY_EXISTS} for a taken id, {@code NOT_SUPPORTED} for a capability or
     *                            setting it cannot honour, {@code NOT_FOUND} for a missing rootfs,
     *                            {@code PERMISSION_DENIED} without the privileges needed
     */
    Container create(ContainerSpec spec);

    /**
     * Joins a running container by id, also one made by another process.
     *
     * @throws ContainerException {@code NOT_FOUND} if there is no such container
     */
    Container open(String id);

    /** The ids of the containers of this provider on this host. */
    List<String> list();
}
