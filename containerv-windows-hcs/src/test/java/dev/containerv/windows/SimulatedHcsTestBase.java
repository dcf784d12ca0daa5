package dev.containerv.windows;

import dev.containerv.windows.sim.SimulatedHcs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A runtime over a fresh {@link SimulatedHcs} for each test, a windowsfilter store as rootfs, and after each test
 * the check that nothing is left (handle, system, layer, endpoint, namespace) and no rule of the platform was broken.
 */
abstract class SimulatedHcsTestBase {
    @TempDir
    Path tmp;
    SimulatedHcs hcs;
    WindowsHcsRuntime runtime;
    /** The container folder of {@link SimRuntimes#windowsfilter}. */
    Path rootfs;

    @BeforeEach
    void startSimulation() throws IOException {
        hcs = new SimulatedHcs(Files.createDirectories(tmp.resolve("sim")));
        runtime = SimRuntimes.runtime(hcs, tmp.resolve("state"));
        rootfs = SimRuntimes.windowsfilter(tmp);
    }

    @AfterEach
    void nothingLeft() {
        hcs.releaseExits();
        hcs.killAll();
        assertThat(hcs.violations()).as("rules of the platform broken").isEmpty();
        assertThat(hcs.openHandleDescriptions()).as("open handles").isEmpty();
        assertThat(hcs.systemIds()).as("compute systems").isEmpty();
        assertThat(hcs.activeLayers()).as("active layers").isEmpty();
        assertThat(hcs.endpoints()).as("endpoints").isEmpty();
        assertThat(hcs.namespaces()).as("namespaces").isEmpty();
    }
}
