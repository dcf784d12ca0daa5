package dev.containerv.it.consumer;

import dev.containerv.api.ContainerRuntimes;
import dev.containerv.api.RuntimeProbe;

import java.util.List;

/** What a user's code does: ask which runtimes exist here. */
public final class Providers {
    private Providers() {
    }

    public static List<RuntimeProbe> probe() {
        return ContainerRuntimes.probeAll();
    }

    /** {@code true} if containerv-api was loaded as a named module (module path), {@code false} on the class path. */
    public static boolean apiOnModulePath() {
        return ContainerRuntimes.class.getModule().isNamed();
    }
}
