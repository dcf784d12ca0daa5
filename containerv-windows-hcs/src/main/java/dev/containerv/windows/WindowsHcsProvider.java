package dev.containerv.windows;

import com.google.auto.service.AutoService;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.GuestOs;
import dev.containerv.spi.ContainerRuntimeProvider;
import dev.containerv.spi.ProbeResult;
import dev.containerv.spi.UnavailableRuntime;

/** The Windows Host Compute Service provider, {@code windows-hcs}. */
@AutoService(ContainerRuntimeProvider.class)
public final class WindowsHcsProvider implements ContainerRuntimeProvider {
    /** The provider's name. */
    public static final String NAME = "windows-hcs";

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
        return ProbeResult.unavailable("not available: the windows-hcs provider is not built yet in this version of containerv");
    }

    @Override
    public ContainerRuntime createRuntime() {
        return new UnavailableRuntime(NAME, GuestOs.WINDOWS, probe().reason());
    }
}
