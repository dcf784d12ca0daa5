package dev.containerv.linux.state;

import dev.containerv.api.ContainerSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * The host paths of one container, derived from its id and the configured roots and never read from
 * {@code state.json}: what linux-ns connects to and deletes as root must not be chosen by whoever can write a file.
 * <p>The writable layer on disk is two directories beside each other in the layer root, {@code <id>+upper} and
 * {@code <id>+work} ({@code +} is no character of an id, so these names never meet another container's), with no
 * directory of the container's own around them: on a file system mounted {@code discard} every directory removed costs
 * a synchronous discard. The overlay is mounted on the upper directory itself, in the init's mount namespace only
 * (overlayfs has its upper directory as a descriptor opened before). The layouts that keep the writable layer on a tmpfs (a root layer around the layer
 * root, the rootless host-root view) use {@code <layerRoot>/<id>}, as every layout of earlier versions did.
 *
 * @param stateDir {@code <stateRoot>/<id>}: state.json, plan, helper.log, the control socket
 * @param layerDir {@code <layerRoot>/<id>}: the tmpfs layouts' directory (and every earlier version's layer)
 */
public record StatePaths(Path stateDir, Path layerDir) {
    /** Joins an id and a layer directory's kind in the layer root; no id contains it. */
    static final String LAYER_SEPARATOR = "+";

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

    /** Every tree of the container in the layer root, of this layout and of the earlier one: what a cleanup removes. */
    public List<Path> layerTrees() {
        return List.of(upperOf(layerDir), workOf(layerDir), layerDir);
    }

    /** The overlay's upper directory on disk, {@code <layerRoot>/<id>+upper}, for the layer directory {@code <layerRoot>/<id>}. */
    public static Path upperOf(Path layerDir) {
        return layerDir.resolveSibling(layerDir.getFileName() + LAYER_SEPARATOR + "upper");
    }

    /** The overlay's work directory on disk, {@code <layerRoot>/<id>+work}, beside the upper one (overlayfs needs one file system). */
    public static Path workOf(Path layerDir) {
        return layerDir.resolveSibling(layerDir.getFileName() + LAYER_SEPARATOR + "work");
    }
}
