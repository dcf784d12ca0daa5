package dev.containerv.linux;

import com.google.auto.service.AutoService;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.GuestOs;
import dev.containerv.spi.ContainerRuntimeProvider;
import dev.containerv.spi.ProbeResult;
import dev.containerv.spi.UnavailableRuntime;

/** The Linux namespaces provider, {@code linux-ns}. */
@AutoService(ContainerRuntimeProvider.class)
public final class LinuxNamespacesProvider implements ContainerRuntimeProvider {
    /** The provider's name. */
    public static final String NAME = "linux-ns";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public ProbeResult probe() {
        return ProbeResult.unavailable("not available: the linux-ns provider is not built yet in this version of containerv");
    }

    @Override
    public ContainerRuntime createRuntime() {
        return new UnavailableRuntime(NAME, GuestOs.LINUX, probe().reason());
    }
}
