package dev.containerv.windows.hcs;

import com.sun.jna.WString;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference;
import com.sun.jna.platform.win32.Guid.GUID;
import dev.containerv.windows.jna.VmCompute;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@link LayerStore} over vmcompute.dll's layer exports, as hcsshim's {@code internal/wclayer} binds them for either
 * HCS family: a layer is named by its folder (the id) and its parent folder (the store, {@code DriverInfo.HomeDir}).
 */
public final class NativeLayerStore implements LayerStore {
    private final Supplier<VmCompute> vm;

    /** Over vmcompute.dll, loaded on the first call. */
    public NativeLayerStore(Supplier<VmCompute> vm) {
        this.vm = vm;
    }


    private static VmCompute.DriverInfo driverInfo(Path layer) {
        Path parent = layer.toAbsolutePath().getParent();
        return new VmCompute.DriverInfo(parent == null ? layer.toString() : parent.toString());
    }

    private static WString layerId(Path layer) {
        return new WString(layer.getFileName().toString());
    }

    private static void check(String call, int hr) {
        if (HResult.failed(hr)) {
            throw new HcsException(call, hr, null);
        }
    }

    @Override
    public UUID nameToGuid(String name) {
        GUID g = new GUID();
        check("NameToGuid", vm.get().NameToGuid(new WString(name), g));
        return NativeHcsBase.uuid(g);
    }

    @Override
    public void activateLayer(Path layer) {
        check("ActivateLayer", vm.get().ActivateLayer(driverInfo(layer), layerId(layer)));
    }

    private VmCompute.WC_LAYER_DESCRIPTOR[] descriptors(List<Path> parents) {
        if (parents.isEmpty()) {
            return null;
        }
        VmCompute.WC_LAYER_DESCRIPTOR[] descriptors = (VmCompute.WC_LAYER_DESCRIPTOR[]) new VmCompute.WC_LAYER_DESCRIPTOR().toArray(parents.size());
        for (int i = 0; i < parents.size(); i++) {
            Path parent = parents.get(i);
            descriptors[i].LayerId = NativeHcsBase.guid(nameToGuid(parent.getFileName().toString()));
            descriptors[i].Flags = 0;
            descriptors[i].Path = new WString(parent.toString());
        }
        return descriptors;
    }

    @Override
    public void createScratchLayer(Path layer, List<Path> parents) {
        check("CreateSandboxLayer", vm.get().CreateSandboxLayer(driverInfo(layer), layerId(layer), null, descriptors(parents), parents.size()));
    }

    @Override
    public void prepareLayer(Path layer, List<Path> parents) {
        check("PrepareLayer", vm.get().PrepareLayer(driverInfo(layer), layerId(layer), descriptors(parents), parents.size()));
    }

    /** One attempt: the mount race is retried around ActivateLayer and PrepareLayer, by the caller. */
    @Override
    public String getLayerMountPath(Path layer) {
        ULONG_PTRByReference length = new ULONG_PTRByReference();
        check("GetLayerMountPath", vm.get().GetLayerMountPath(driverInfo(layer), layerId(layer), length, null));
        int chars = (int) length.getValue().longValue();
        if (chars == 0) {
            throw new HcsException("GetLayerMountPath", HResult.fromWin32(HResult.ERROR_NOT_READY), "empty mount path");
        }
        char[] buffer = new char[chars];
        check("GetLayerMountPath", vm.get().GetLayerMountPath(driverInfo(layer), layerId(layer), length, buffer));
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end);
    }

    @Override
    public void unprepareLayer(Path layer) {
        check("UnprepareLayer", vm.get().UnprepareLayer(driverInfo(layer), layerId(layer)));
    }

    @Override
    public void deactivateLayer(Path layer) {
        check("DeactivateLayer", vm.get().DeactivateLayer(driverInfo(layer), layerId(layer)));
    }
}
