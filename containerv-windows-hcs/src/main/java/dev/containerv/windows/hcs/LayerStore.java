package dev.containerv.windows.hcs;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The windowsfilter layer store (vmcompute.dll exports, used by both HCS families, hcsshim's {@code internal/wclayer}):
 * a container's scratch layer is created, activated, prepared over its parents and mounted as a volume.
 * Implementation: {@link NativeLayerStore}.
 *
 * <p>Every failure is an {@link HcsException} carrying the C function, the HRESULT and the result document's
 * messages; nothing else is thrown for a platform failure. Method names follow the C functions they stand for.
 * Thread-safe.
 */
public interface LayerStore {
    /** NameToGuid: the layer id HCS expects for a layer folder's name. */
    UUID nameToGuid(String name);

    /** CreateSandboxLayer: creates the scratch {@code sandbox.vhdx} in a layer folder over its parents (nearest first). */
    void createScratchLayer(Path layer, List<Path> parents);

    /** ActivateLayer on a layer folder. */
    void activateLayer(Path layer);

    /** PrepareLayer: stacks the scratch layer on its parents (nearest first). */
    void prepareLayer(Path layer, List<Path> parents);

    /** GetLayerMountPath: the volume path ({@code \\?\Volume{...}}, with or without the trailing backslash) of an activated, prepared layer. */
    String getLayerMountPath(Path layer);

    /** UnprepareLayer. */
    void unprepareLayer(Path layer);

    /** DeactivateLayer. */
    void deactivateLayer(Path layer);
}
