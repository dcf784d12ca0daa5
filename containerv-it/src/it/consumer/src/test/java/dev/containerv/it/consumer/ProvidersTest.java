package dev.containerv.it.consumer;

import dev.containerv.api.RuntimeProbe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvidersTest {
    @Test
    void seesBothProvidersWithTruthfulAvailability() {
        String expectedPath = System.getProperty("consumer.expectedPath");
        assertEquals("module".equals(expectedPath), Providers.apiOnModulePath(),
                "containerv-api should be on the " + expectedPath + " path");

        List<RuntimeProbe> probes = Providers.probe();
        System.out.println("[" + expectedPath + " path] " + probes);
        Map<String, RuntimeProbe> byName = probes.stream().collect(Collectors.toMap(RuntimeProbe::name, Function.identity()));
        assertTrue(byName.containsKey("linux-ns"), "linux-ns found: " + probes);
        assertTrue(byName.containsKey("windows-hcs"), "windows-hcs found: " + probes);

        boolean onWindows = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");
        boolean onLinux = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux");
        if (!onWindows) {
            assertFalse(byName.get("windows-hcs").available(), "windows-hcs cannot be available off Windows");
        }
        if (!onLinux) {
            assertFalse(byName.get("linux-ns").available(), "linux-ns cannot be available off Linux");
        }
        probes.forEach(p -> assertFalse(p.reason().isBlank(), "every probe gives a reason: " + p));
    }

    @Test
    void runsAContainerWhereTheLinuxProviderIsAvailable() {
        RuntimeProbe linux = Providers.probe().stream().filter(p -> p.name().equals("linux-ns")).findFirst().orElseThrow();
        boolean required = "1".equals(System.getenv("CONTAINERV_REQUIRE_PRIVILEGED"))
                && System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux");
        if (required) {
            assertTrue(linux.available(), "CONTAINERV_REQUIRE_PRIVILEGED=1 but linux-ns is not available: " + linux.reason());
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(linux.available(), () -> "linux-ns not available here: " + linux.reason());
        String id = "it-" + System.getProperty("consumer.expectedPath") + "-" + ProcessHandle.current().pid();
        List<Path> existedBefore = cgroupParents().stream().filter(Files::isDirectory).toList();
        try {
            assertEquals(id + "\n", Providers.hostnameInContainer(id));
        } finally {
            // The provider keeps its "containerv" parent cgroups; a test run leaves nothing that was not there before.
            for (Path parent : cgroupParents()) {
                if (Files.isDirectory(parent) && !existedBefore.contains(parent)) {
                    try {
                        Files.delete(parent);
                    } catch (IOException e) {
                        System.err.println("cgroup parent " + parent + " kept: " + e);
                    }
                }
            }
        }
    }

    /** {@code containerv} under every cgroup mount of this host (field 5 of mountinfo, for cgroup and cgroup2). */
    private static List<Path> cgroupParents() {
        List<Path> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] halves = line.split(" - ", 2);
                String fsType = halves.length > 1 ? halves[1].split(" ")[0] : "";
                if (fsType.equals("cgroup") || fsType.equals("cgroup2")) {
                    out.add(Path.of(halves[0].split(" ")[4].replace("\\040", " ")).resolve("containerv"));
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return out;
    }
}
