package dev.containerv.spi;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.RuntimeFeature;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The runtime of a provider that cannot work on this host: every operation throws
 * {@link ErrorKind#NOT_SUPPORTED} with the probe's reason. For {@link ContainerRuntimeProvider#createRuntime()}
 * when the probe failed.
 *
 * @since 0.1
 */
public final class UnavailableRuntime implements ContainerRuntime {
    private final String name;
    private final GuestOs guestOs;
    private final String reason;

    /**
     * @param name    the provider's name
     * @param guestOs the guest OS its containers would have
     * @param reason  why it is unavailable, as the probe said
     */
    public UnavailableRuntime(String name, GuestOs guestOs, String reason) {
        this.name = Objects.requireNonNull(name, "name");
        this.guestOs = Objects.requireNonNull(guestOs, "guestOs");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public GuestOs guestOs() {
        return guestOs;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public Set<RuntimeFeature> features() {
        return Set.of();
    }

    @Override
    public Container create(ContainerSpec spec) {
        throw refuse("create", spec.id());
    }

    @Override
    public Container open(String id) {
        throw refuse("open", id);
    }

    @Override
    public List<String> list() {
        throw refuse("list", null);
    }

    private ContainerException refuse(String operation, String id) {
        return ContainerException.builder(ErrorKind.NOT_SUPPORTED, "runtime '" + name + "' is not available on this host: " + reason)
                .operation(name + "::Runtime::" + operation).containerId(id).build();
    }
}
