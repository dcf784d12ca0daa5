package dev.containerv.it.consumer;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerRuntimes;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.RuntimeProbe;

import java.nio.file.Path;
import java.util.List;

/** What a user's code does: ask which runtimes exist here. */
public final class Providers {
    private Providers() {
    }

    public static List<RuntimeProbe> probe() {
        return ContainerRuntimes.probeAll();
    }

    /** Creates a container over the host's root, runs {@code hostname} in it and destroys it. */
    public static String hostnameInContainer(String id) {
        ContainerSpec spec = ContainerSpec.builder().id(id).rootfs(Path.of("/")).build();
        try (Container c = ContainerRuntimes.load("linux-ns").create(spec)) {
            return c.exec(ProcessSpec.of("hostname")).stdout();
        }
    }

    /** {@code true} if containerv-api was loaded as a named module (module path), {@code false} on the class path. */
    public static boolean apiOnModulePath() {
        return ContainerRuntimes.class.getModule().isNamed();
    }
}
