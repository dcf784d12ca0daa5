package dev.containerv.windows;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Layer;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.ResourceLimits;
import dev.containerv.api.Signal;
import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.internal.HcsContainer;
import dev.containerv.windows.sim.SimulatedHcs;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure injected at each HCS, HCN, layer and job call of a full container life: the call surfaces as the
 * mapped ContainerException (operation, container id, HRESULT by name), or, where the provider has a
 * documented fallback (shutdown → terminate, CtrlShutdown → terminate), the fallback runs. A failed exit
 * wait surfaces from waitFor, and the process's handle is closed by destroy. Either way no handle stays open.
 */
class FailureInjectionTest {
    private static final int INJECTED = HResult.HCS_E_GUEST_CRITICAL_ERROR;
    private static final Set<String> FALLBACKS = Set.of("HcsShutDownComputeSystem", "HcsSignalProcess");

    @TempDir
    Path tmp;

    static List<String> calls() {
        return SimulatedHcs.CALLS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void failureIsMappedAndNoHandleLeaks(String call) throws Exception {
        SimulatedHcs hcs = new SimulatedHcs(Files.createDirectories(tmp.resolve("sim")));
        WindowsHcsRuntime runtime = new WindowsHcsRuntime(hcs, EnumSet.of(Capability.NETWORK), SimRuntimes.SIM_FEATURES, tmp.resolve("state"),
                new HcsContainer.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10)));
        Path src = Files.createDirectories(tmp.resolve("src"));
        ContainerSpec spec = ContainerSpec.builder().id("fi").rootfs(SimRuntimes.windowsfilter(tmp)).capabilities(Capability.NETWORK)
                .layer(Layer.hostDirectory(src, "C:\\src", Access.READ_ONLY))
                .network(NetworkSpec.builder().containerAddress("10.1.0.2/24").gateway("10.1.0.1").build())
                .limits(ResourceLimits.builder().pidsMax(10).memoryMax("512M").build())
                .extension(WindowsOptions.builder().shutdownTimeout(Duration.ofSeconds(2)).build())
                .build();
        hcs.failNext(call, INJECTED);
        ContainerException failure = null;
        Container container = null;
        try {
            container = runtime.create(spec);
            ContainerProcess sleeper = container.spawn(ProcessSpec.of("/bin/sleep", "30"));
            container.exec(ProcessSpec.of("/bin/true"));
            container.stats();
            sleeper.kill(Signal.TERM);
            sleeper.waitFor(10, TimeUnit.SECONDS);
            ContainerProcess second = container.spawn(ProcessSpec.of("/bin/sleep", "30"));
            second.kill(Signal.KILL);
            second.waitFor(10, TimeUnit.SECONDS);
            container.destroy();
        } catch (ContainerException e) {
            failure = e;
        } finally {
            if (container != null) {
                try {
                    container.destroy();
                } catch (ContainerException e) {
                    failure = failure == null ? e : failure;
                }
            }
            hcs.killAll();
        }
        assertThat(hcs.calls()).as("the scenario reaches %s", call).contains(call);
        if (FALLBACKS.contains(call)) {
            assertThat(failure).as("%s has a fallback", call).isNull();
        } else {
            assertThat(failure).as("failure at %s", call).isNotNull();
            assertThat(failure.platformCode()).contains("HRESULT 0x8037011C HCS_E_GUEST_CRITICAL_ERROR");
            assertThat(failure.operation().orElseThrow()).startsWith("windows::");
            assertThat(failure.containerId()).contains("fi");
            assertThat(failure.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
            assertThat(failure.getMessage()).contains(call).contains("the guest reported a critical error");
        }
        assertThat(hcs.openHandleDescriptions()).as("open handles after a failure at %s", call).isEmpty();
        assertThat(hcs.violations()).as("HCS rules broken after a failure at %s", call).isEmpty();
        // Only a failed delete may leave its own object behind (the platform refused it); everything else is undone.
        if (!call.equals("HcnDeleteEndpoint")) {
            assertThat(hcs.endpoints()).as("endpoints after a failure at %s", call).isEmpty();
        }
        if (!call.equals("DeactivateLayer")) {
            assertThat(hcs.activeLayers()).as("active layers after a failure at %s", call).isEmpty();
        }
        assertThat(tmp.resolve("state").resolve("fi")).as("state folder after a failure at %s", call).doesNotExist();
    }
}
