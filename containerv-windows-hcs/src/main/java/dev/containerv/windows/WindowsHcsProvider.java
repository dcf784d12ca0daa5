package dev.containerv.windows;

import com.google.auto.service.AutoService;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.GuestOs;
import dev.containerv.spi.ContainerRuntimeProvider;
import dev.containerv.spi.ProbeResult;
import dev.containerv.spi.UnavailableRuntime;
import dev.containerv.windows.internal.HcsContainer;
import dev.containerv.windows.internal.HcsFamilies;

import java.nio.file.Path;

/**
 * The Windows Host Compute Service provider, {@code windows-hcs}. Its probe reports the OS build, which HCS
 * DLLs load, whether the process is elevated and which DLL family is used
 * ({@code -Dcontainerv.windows.hcs=vmcompute|computecore}; default vmcompute.dll, then computecore.dll).
 * Container state lives under {@code -Dcontainerv.windows.stateRoot}, default {@code %ProgramData%\containerv}.
 */
@AutoService(ContainerRuntimeProvider.class)
public final class WindowsHcsProvider implements ContainerRuntimeProvider {
    /** The provider's name. */
    public static final String NAME = "windows-hcs";
    /** System property for the folder holding each container's staging folder. */
    public static final String STATE_ROOT_PROPERTY = "containerv.windows.stateRoot";

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
        try {
            HcsFamilies.Facts facts = HcsFamilies.probe();
            return facts.usable() ? ProbeResult.available(facts.describe()) : ProbeResult.unavailable(facts.describe());
        } catch (RuntimeException | LinkageError e) {
            return ProbeResult.unavailable("probing HCS failed: " + e);
        }
    }

    @Override
    public ContainerRuntime createRuntime() {
        HcsFamilies.Facts facts = HcsFamilies.probe();
        if (facts.chosen() == null) {
            return new UnavailableRuntime(NAME, GuestOs.WINDOWS, facts.describe());
        }
        return new WindowsHcsRuntime(HcsFamilies.load(facts), WindowsHcsRuntime.HOST_CAPABILITIES, WindowsHcsRuntime.FEATURES,
                stateRoot(), HcsContainer.Timeouts.fromProperties());
    }

    private static Path stateRoot() {
        String configured = System.getProperty(STATE_ROOT_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        String programData = System.getenv("ProgramData");
        return programData != null ? Path.of(programData, "containerv") : Path.of(System.getProperty("java.io.tmpdir"), "containerv-windows");
    }
}
