package dev.containerv.linux.state;

import dev.containerv.api.ContainerSpec;

import java.nio.file.Path;

/**
 * The host paths of one container, derived from its id and the configured roots and never read from
 * {@code state.json}: what linux-ns connects to and deletes as root must not be chosen by whoever can write a file.
 *
 * @param stateDir {@code <stateRoot>/<id>}: state.json, plan, helper.log, the control socket
 * @param layerDir {@code <layerRoot>/<id>}: the writable layer
 */
public record StatePaths(Path stateDir, Path layerDir) {
    /** The paths of container {@code id}, a valid id (so it names one directory under each root). */
    public static StatePaths of(Path stateRoot, Path layerRoot, String id) {
        ContainerSpec.requireValidId(id);
        return new StatePaths(stateRoot.resolve(id), layerRoot.resolve(id));
    }

    /** The control socket, {@code <stateDir>/control}. */
    public Path controlSocket() {
        return stateDir.resolve("control");
    }

    /** The launch plan, {@code <stateDir>/plan}; its supervisor holds a read lock on it while it lives. */
    public Path plan() {
        return stateDir.resolve("plan");
    }
}
