package dev.containerv.windows;

import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.testkit.ContainerConformanceSuite;
import dev.containerv.testkit.GuestFixture;
import dev.containerv.testkit.PosixShellFixture;
import dev.containerv.windows.sim.SimulatedHcs;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The conformance suite against the provider wired to the simulated HCS. The simulated guest's processes
 * are host processes, so the fixture speaks /bin/sh while every container path stays in Windows form
 * ({@code C:\tmp}) and the simulation maps it onto the container's volume. The runtime declares no
 * isolation capabilities, and isolation is skipped with the reason "simulated HCS".
 */
class WindowsSimulatedConformanceTest extends ContainerConformanceSuite {
    private static final Path ROOT;
    private static final SimulatedHcs HCS;
    private static final WindowsHcsRuntime RUNTIME;
    private static final Path STORE;

    static {
        try {
            ROOT = Files.createTempDirectory("containerv-windows-tck-");
            HCS = new SimulatedHcs(Files.createDirectories(ROOT.resolve("sim")));
            STORE = SimRuntimes.windowsfilter(ROOT).getParent();
            Files.createDirectories(STORE.resolve("base").resolve("Files").resolve("tmp"));
            RUNTIME = new WindowsHcsRuntime(HCS, EnumSet.noneOf(dev.containerv.api.Capability.class),
                    EnumSet.of(RuntimeFeature.STATS, RuntimeFeature.PROCESS_LIST, RuntimeFeature.FILE_TRANSFER, RuntimeFeature.HOST_DIRECTORY_LAYERS),
                    ROOT.resolve("state"), dev.containerv.windows.internal.HcsContainer.Timeouts.fromProperties());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void removeTheStore() throws IOException {
        HCS.killAll();
        org.assertj.core.api.Assertions.assertThat(HCS.violations()).as("HCS rules the provider broke").isEmpty();
        try (Stream<Path> walk = Files.walk(ROOT)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** /bin/sh commands, Windows-form container paths. */
    static final class SimulatedWindowsGuest extends PosixShellFixture {
        @Override
        public GuestOs guestOs() {
            return GuestOs.WINDOWS;
        }

        @Override
        public String scratchDirectory() {
            return "C:\\tmp";
        }

        @Override
        public ProcessSpec.Builder printWorkingDirectory() {
            // pwd would print the host directory behind C:; the simulated cmd.exe expands %CD% as the real one does.
            return ProcessSpec.builder("cmd.exe", "/c", "echo %CD%");
        }

        @Override
        public ProcessSpec.Builder printHostname() {
            // A host process sees the host's name; the simulated cmd.exe expands %COMPUTERNAME% to the one HCS was given.
            return ProcessSpec.builder("cmd.exe", "/c", "echo %COMPUTERNAME%");
        }
    }

    @Override
    protected ContainerRuntime runtime() {
        return RUNTIME;
    }

    @Override
    protected GuestFixture fixture() {
        return new SimulatedWindowsGuest();
    }

    /** The base of the windowsfilter store; each container gets its own container folder in {@link #specBuilder}. */
    @Override
    protected Path rootfs() {
        return STORE.resolve("container");
    }

    @Override
    protected ContainerSpec.Builder specBuilder(String id) {
        // A windowsfilter container folder is one container's scratch layer: each container gets its own.
        Path folder = STORE.resolve("c-" + id);
        try {
            Files.createDirectories(folder);
            Files.copy(STORE.resolve("container").resolve("layerchain.json"), folder.resolve("layerchain.json"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return super.specBuilder(id).rootfs(folder);
    }

    @Override
    protected Optional<String> isolationUnverifiable() {
        return Optional.of("simulated HCS");
    }

    @Override
    protected Optional<List<String>> hostLeftovers(String containerId) {
        List<String> left = new ArrayList<>();
        if (HCS.systemIds().contains(containerId)) {
            left.add("compute system " + containerId);
        }
        HCS.activeLayers().stream().filter(p -> p.getFileName().toString().equals("c-" + containerId)).forEach(p -> left.add("active layer " + p));
        if (Files.exists(ROOT.resolve("state").resolve(containerId))) {
            left.add("state folder " + ROOT.resolve("state").resolve(containerId));
        }
        return Optional.of(left);
    }
}
