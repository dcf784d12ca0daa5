package dev.containerv.windows;

import dev.containerv.api.Capability;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.internal.HcsContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Test wiring: a runtime over any HcsApi, and windowsfilter folders to use as rootfs. */
public final class SimRuntimes {
    /** What the simulated runtime offers: no isolation capabilities (host processes isolate nothing). */
    public static final Set<RuntimeFeature> SIM_FEATURES = EnumSet.of(RuntimeFeature.RESOURCE_LIMITS, RuntimeFeature.NETWORK_ADDRESSING,
            RuntimeFeature.STATS, RuntimeFeature.PROCESS_LIST, RuntimeFeature.FILE_TRANSFER, RuntimeFeature.HOST_DIRECTORY_LAYERS,
            RuntimeFeature.LAYERED_ROOTFS);

    private SimRuntimes() {
    }

    /** A runtime over {@code hcs} keeping state under {@code stateRoot}, with short timeouts. */
    public static WindowsHcsRuntime runtime(HcsApi hcs, Path stateRoot) {
        return new WindowsHcsRuntime(hcs, EnumSet.noneOf(Capability.class), SIM_FEATURES, stateRoot,
                new HcsContainer.Timeouts(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(30)));
    }

    /**
     * A windowsfilter store under {@code dir}: layers {@code base} and {@code mid}, and a container folder whose
     * layerchain.json names mid, then base. {@code base/Files} holds {@code Windows/System32/hello.txt};
     * {@code base/UtilityVM/Files} and {@code SystemTemplate.vhdx} are the (empty) utility VM image a Hyper-V spec finds by default.
     *
     * @return the container folder
     */
    public static Path windowsfilter(Path dir) throws IOException {
        Path store = Files.createDirectories(dir.resolve("windowsfilter"));
        Path base = Files.createDirectories(store.resolve("base"));
        Path mid = Files.createDirectories(store.resolve("mid"));
        Files.createDirectories(base.resolve("Files").resolve("Windows").resolve("System32"));
        Files.writeString(base.resolve("Files").resolve("Windows").resolve("System32").resolve("hello.txt"), "from base\n");
        Files.createDirectories(base.resolve("UtilityVM").resolve("Files"));
        Files.writeString(base.resolve("UtilityVM").resolve("SystemTemplate.vhdx"), "simulated utility VM scratch template\n");
        Files.createDirectories(mid.resolve("Files"));
        Files.writeString(mid.resolve("Files").resolve("mid.txt"), "from mid\n");
        Path container = Files.createDirectories(store.resolve("container"));
        Files.writeString(container.resolve("layerchain.json"),
                "[" + quote(mid.toString()) + "," + quote(base.toString()) + "]");
        return container;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\") + "\"";
    }

    /** The parents of a {@link #windowsfilter} container folder, nearest first. */
    public static List<Path> parents(Path container) {
        return List.of(container.resolveSibling("mid"), container.resolveSibling("base"));
    }
}
