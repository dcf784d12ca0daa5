package dev.containerv.windows.sim;

import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.LayerStore;
import dev.containerv.windows.internal.LayerIds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated windowsfilter layer store: CreateSandboxLayer writes a sandbox.vhdx, ActivateLayer needs one,
 * PrepareLayer fills a fresh volume folder from the parents' {@code Files} (base first), GetLayerMountPath gives
 * the volume path without its trailing backslash (as wclayer returns it), and only the form with it names the
 * volume in {@code Storage.Path}.
 */
final class SimulatedLayerStore implements LayerStore {
    private static final class SimLayer {
        boolean prepared;
        String volume;
    }

    private final SimCalls calls;
    private final Path root;
    private final Map<Path, SimLayer> layers = new ConcurrentHashMap<>();
    private final Map<String, Path> volumes = new ConcurrentHashMap<>();

    SimulatedLayerStore(SimCalls calls, Path root) {
        this.calls = calls;
        this.root = root;
    }

    /** The folder of a mounted volume named exactly {@code storagePath}. */
    Optional<Path> volume(String storagePath) {
        return Optional.ofNullable(storagePath == null ? null : volumes.get(storagePath));
    }

    Set<Path> activeLayers() {
        return Set.copyOf(layers.keySet());
    }

    @Override
    public UUID nameToGuid(String name) {
        calls.enter("NameToGuid");
        return LayerIds.forName(name);
    }

    @Override
    public void createScratchLayer(Path layer, List<Path> parents) {
        calls.enter("CreateSandboxLayer");
        for (Path parent : parents) {
            if (!Files.isDirectory(parent.resolve("Files"))) {
                throw new HcsException("CreateSandboxLayer", HResult.HCS_E_INVALID_LAYER, "parent layer " + parent + " has no Files folder");
            }
        }
        try {
            Files.createDirectories(layer);
            Files.writeString(layer.resolve("sandbox.vhdx"), "simulated scratch VHDX\n");
        } catch (IOException e) {
            throw new HcsException("CreateSandboxLayer", HResult.fromWin32(HResult.ERROR_PATH_NOT_FOUND), e.toString());
        }
    }

    @Override
    public void activateLayer(Path layer) {
        calls.enter("ActivateLayer");
        if (!Files.isDirectory(layer)) {
            throw new HcsException("ActivateLayer", HResult.fromWin32(HResult.ERROR_PATH_NOT_FOUND), layer.toString());
        }
        if (!Files.isRegularFile(layer.resolve("sandbox.vhdx"))) {
            // The scratch folder's VHDX is what gets mounted: without one there is nothing to activate.
            throw new HcsException("ActivateLayer", HResult.fromWin32(2), "no sandbox.vhdx in " + layer);
        }
        if (layers.putIfAbsent(layer, new SimLayer()) != null) {
            throw new HcsException("ActivateLayer", HResult.fromWin32(HResult.ERROR_ALREADY_EXISTS), "layer " + layer + " is active already");
        }
    }

    @Override
    public void prepareLayer(Path layer, List<Path> parents) {
        calls.enter("PrepareLayer");
        SimLayer l = layers.get(layer);
        if (l == null) {
            throw new HcsException("PrepareLayer", HResult.fromWin32(HResult.ERROR_INVALID_PARAMETER), "layer not active");
        }
        for (Path parent : parents) {
            nameToGuid(parent.getFileName().toString());
            if (!Files.isDirectory(parent)) {
                throw new HcsException("PrepareLayer", HResult.HCS_E_INVALID_LAYER, "parent layer " + parent + " does not exist");
            }
        }
        String volume = "\\\\?\\Volume{" + UUID.randomUUID() + "}\\";
        Path dir = SimFiles.mkdirs(root.resolve("volumes").resolve(UUID.randomUUID().toString()));
        List<Path> baseFirst = new ArrayList<>(parents);
        java.util.Collections.reverse(baseFirst);
        for (Path parent : baseFirst) {
            SimFiles.copyTree(parent.resolve("Files"), dir);
        }
        l.prepared = true;
        l.volume = volume;
        volumes.put(volume, dir);
    }

    @Override
    public String getLayerMountPath(Path layer) {
        calls.enter("GetLayerMountPath");
        SimLayer l = layers.get(layer);
        if (l == null || !l.prepared) {
            throw new HcsException("GetLayerMountPath", HResult.fromWin32(HResult.ERROR_NOT_READY), "layer not prepared");
        }
        // As wclayer returns it: without the trailing backslash HCS needs in Storage.Path.
        return l.volume.substring(0, l.volume.length() - 1);
    }

    @Override
    public void unprepareLayer(Path layer) {
        calls.enter("UnprepareLayer");
        SimLayer l = layers.get(layer);
        if (l == null || !l.prepared) {
            throw new HcsException("UnprepareLayer", HResult.fromWin32(HResult.ERROR_INVALID_PARAMETER), "layer not prepared");
        }
        Path dir = volumes.remove(l.volume);
        SimFiles.deleteTree(dir);
        l.prepared = false;
        l.volume = null;
    }

    @Override
    public void deactivateLayer(Path layer) {
        calls.enter("DeactivateLayer");
        if (layers.remove(layer) == null) {
            throw new HcsException("DeactivateLayer", HResult.fromWin32(HResult.ERROR_INVALID_PARAMETER), "layer not active");
        }
    }
}
