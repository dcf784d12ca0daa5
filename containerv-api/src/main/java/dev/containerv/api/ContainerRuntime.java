package dev.containerv.api;

import dev.containerv.internal.Async;
import dev.containerv.internal.Checks;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

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
     * {@link #create(ContainerSpec)} on {@code executor}: the future completes with the container, or exceptionally
     * with the {@link ContainerException} (not wrapped). A container whose create ends after the future was cancelled
     * is destroyed, so none is left behind unseen.
     *
     * <pre>{@code
     * CompletableFuture<Container> box = runtime.createAsync(spec, pool);
     * }</pre>
     */
    default CompletableFuture<Container> createAsync(ContainerSpec spec, Executor executor) {
        Checks.notNull("spec", spec, "a ContainerSpec");
        Checks.notNull("executor", executor, "an Executor");
        return Async.supply(() -> create(spec), executor, Container::destroy);
    }

    /** {@link #createAsync(ContainerSpec, Executor)} on a daemon thread of its own, which ends with the call. */
    default CompletableFuture<Container> createAsync(ContainerSpec spec) {
        return createAsync(spec, Async.THREAD_PER_CALL);
    }

    /**
     * Joins a running container by id, also one made by another process.
     *
     * @throws ContainerException {@code NOT_FOUND} if there is no such container
     */
    Container open(String id);

    /** The ids of the containers of this provider on this host. */
    List<String> list();
}
