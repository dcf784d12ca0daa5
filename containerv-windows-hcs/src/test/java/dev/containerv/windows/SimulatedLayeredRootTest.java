package dev.containerv.windows;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.ProcessSpec;
import dev.containerv.windows.schema.ComputeSystem;
import dev.containerv.windows.schema.StorageLayer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A root of several layers on Windows: Windows image layers become the parent chain; anything else is refused. */
class SimulatedLayeredRootTest extends SimulatedHcsTestBase {
    private ContainerSpec.Builder spec() {
        return ContainerSpec.builder().id("sim-layers").capabilities();
    }

    @Test
    void imageLayersTopFirstBecomeTheParentChainUnderANewScratch() throws IOException {
        List<Path> layers = SimRuntimes.parents(rootfs);
        try (Container c = runtime.create(spec().rootfsLayers(layers).build())) {
            ExecResult r = c.exec(ProcessSpec.of("/bin/sh", "-c", "cat C:\\Windows\\System32\\hello.txt C:\\mid.txt"));
            assertThat(r.stdout()).isEqualTo("from base\nfrom mid\n");
            ComputeSystem doc = hcs.document("sim-layers").orElseThrow();
            assertThat(doc.container().storage().layers()).extracting(StorageLayer::path)
                    .containsExactly(layers.get(0).toString(), layers.get(1).toString());
            assertThat(tmp.resolve("state/sim-layers/scratch/sandbox.vhdx")).as("the scratch is the container's own").exists();
        }
        assertThat(rootfs.resolveSibling("mid").resolve("sandbox.vhdx")).as("no layer is written to").doesNotExist();
        assertThat(tmp.resolve("state/sim-layers")).doesNotExist();
    }

    @Test
    void aLayerThatIsNoWindowsImageLayerIsNotSupportedNamingIt() throws IOException {
        Path linuxLayer = Files.createDirectories(tmp.resolve("overlay-layer/usr/bin"));
        assertThatThrownBy(() -> runtime.create(spec().rootfsLayers(List.of(linuxLayer.getParent().getParent(), rootfs.resolveSibling("base"))).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("rootfsLayers[0]").hasMessageContaining("not a Windows image layer");
        assertThat(hcs.calls()).doesNotContain("CreateSandboxLayer", "HcsCreateComputeSystem");
        assertThat(tmp.resolve("state/sim-layers")).doesNotExist();
    }

    @Test
    void layersAndExplicitParentLayersTogetherAreInvalid() {
        List<Path> layers = SimRuntimes.parents(rootfs);
        ContainerSpec spec = spec().rootfsLayers(layers).extension(WindowsOptions.builder().parentLayers(layers).build()).build();
        assertThatThrownBy(() -> runtime.create(spec))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("parentLayers");
        assertThatThrownBy(() -> WindowsHcsRuntime.describe(spec)).hasMessageContaining("parentLayers");
    }

    @Test
    void describeListsTheLayersAsParents() {
        List<Path> layers = SimRuntimes.parents(rootfs);
        assertThat(WindowsHcsRuntime.describe(spec().rootfsLayers(layers).build()))
                .contains(layers.get(0).toString().replace("\\", "\\\\")).contains(layers.get(1).toString().replace("\\", "\\\\"));
    }
}
