package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.LayerStore;
import dev.containerv.windows.hcs.HcsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The read-write scratch layer of a process-isolated container, mounted as the volume HCS takes as
 * {@code Storage.Path}, the way hcsshim's {@code hcsoci}/{@code layers} do it: create {@code sandbox.vhdx}
 * (CreateSandboxLayer) when the folder has none, ActivateLayer + PrepareLayer retried on the mount race
 * (ERROR_NOT_READY, ERROR_DEVICE_NOT_CONNECTED: up to {@value #MOUNT_ATTEMPTS} attempts {@value #RETRY_MS} ms
 * apart, deactivating between them), then GetLayerMountPath normalised to {@code \\?\Volume{GUID}\}.
 */
final class ScratchLayer {
    /** The scratch VHDX HCS expects in the scratch folder (a fixed name). */
    static final String SANDBOX_VHDX = "sandbox.vhdx";
    static final int MOUNT_ATTEMPTS = 5;
    static final long RETRY_MS = 100;
    private static final Pattern VOLUME = Pattern.compile("(?i)\\\\\\\\\\?\\\\Volume\\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}\\\\?");

    /**
     * Where the scratch goes and what lies under it.
     *
     * @param folder  the scratch layer folder
     * @param parents its read-only parents, nearest first
     */
    record Plan(Path folder, List<Path> parents) {
    }

    private ScratchLayer() {
    }

    /**
     * The rootfs is the scratch folder if it is a container folder (it has a layerchain.json, or the parents are
     * given); a base layer (a folder with {@code Files\} and no layerchain.json) as rootfs gets a new scratch
     * folder in the state folder, with the rootfs as its one parent. A root of several layers (top first) gets a
     * new scratch folder there too, with the layers as its parents ({@link LayerChain#ofRootLayers}).
     */
    static Plan plan(List<Path> rootLayers, Optional<List<String>> givenParents, Path stateDir, String op, String id) {
        if (rootLayers.size() > 1) {
            List<String> parents = LayerChain.ofRootLayers(rootLayers, givenParents.isPresent(), op, id);
            return new Plan(stateDir.resolve("scratch"), parents.stream().map(Path::of).toList());
        }
        Path rootfs = rootLayers.get(0);
        if (givenParents.isPresent()) {
            return new Plan(rootfs, givenParents.get().stream().map(Path::of).toList());
        }
        if (!Files.isRegularFile(rootfs.resolve(LayerChain.FILE)) && Files.isDirectory(rootfs.resolve("Files"))) {
            // A base layer (read-only, no chain of its own): the original's usage.
            return new Plan(stateDir.resolve("scratch"), List.of(rootfs));
        }
        return new Plan(rootfs, LayerChain.read(rootfs, op, id).stream().map(Path::of).toList());
    }

    /** Creates (if missing), activates and prepares the scratch; its volume path. Each step pushes its undo. */
    static String mount(LayerStore hcs, Plan plan, UndoStack undo, String op, String id) {
        Path folder = plan.folder();
        Path vhdx = folder.resolve(SANDBOX_VHDX);
        if (!Files.exists(vhdx)) {
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw Errors.of(ErrorKind.PLATFORM_FAILURE, op, id, "cannot create the scratch folder " + folder + ": " + e, e);
            }
            hcs.createScratchLayer(folder, plan.parents());
            undo.push(() -> {
                try {
                    Files.deleteIfExists(vhdx);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove the scratch " + vhdx + " this container created", e);
                }
            });
        }
        for (int attempt = 1; ; attempt++) {
            try {
                hcs.activateLayer(folder);
            } catch (HcsException e) {
                if (!retry(e, attempt)) {
                    throw e;
                }
                continue;
            }
            try {
                hcs.prepareLayer(folder, plan.parents());
                break;
            } catch (HcsException e) {
                try {
                    hcs.deactivateLayer(folder);
                } catch (HcsException d) {
                    e.addSuppressed(d);
                }
                if (!retry(e, attempt)) {
                    throw e;
                }
            }
        }
        undo.push(() -> hcs.deactivateLayer(folder));
        undo.push(() -> hcs.unprepareLayer(folder));
        return volumePath(hcs.getLayerMountPath(folder), op, id);
    }

    private static boolean retry(HcsException e, int attempt) {
        if (!HResult.isMountRace(e.hresult()) || attempt >= MOUNT_ATTEMPTS) {
            return false;
        }
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException i) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /** {@code \\?\Volume{GUID}} with the trailing backslash HCS needs; anything else is refused. */
    static String volumePath(String mountPath, String op, String id) {
        String p = mountPath == null ? "" : mountPath.strip();
        if (!VOLUME.matcher(p).matches()) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "GetLayerMountPath returned '" + mountPath
                    + "', not a volume path \\\\?\\Volume{GUID}\\, the only Storage.Path HCS takes").operation(op).containerId(id).build();
        }
        return p.endsWith("\\") ? p : p + "\\";
    }
}
