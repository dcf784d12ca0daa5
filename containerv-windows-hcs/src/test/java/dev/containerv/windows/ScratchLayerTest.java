package dev.containerv.windows;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;
import dev.containerv.windows.hcs.HResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scratch layer against the strict simulator: no sandbox.vhdx until CreateSandboxLayer made one, mount paths
 * without the trailing backslash, and the mount race on PrepareLayer.
 */
class ScratchLayerTest extends SimulatedHcsTestBase {

    @Test
    void aContainerFolderWithoutScratchGetsOneForItsLifeOnly() {
        assertThat(rootfs.resolve("sandbox.vhdx")).doesNotExist();
        try (Container c = runtime.create(ContainerSpec.builder().id("s1").rootfs(rootfs).capabilities().build())) {
            assertThat(rootfs.resolve("sandbox.vhdx")).exists();
            assertThat(c.exec(ProcessSpec.of("/bin/cat", "C:\\Windows\\System32\\hello.txt")).stdout()).isEqualTo("from base\n");
        }
        assertThat(hcs.calls()).containsSubsequence("CreateSandboxLayer", "ActivateLayer", "PrepareLayer", "GetLayerMountPath", "HcsCreateComputeSystem");
        assertThat(rootfs.resolve("sandbox.vhdx")).doesNotExist();
    }

    @Test
    void anExistingScratchIsUsedAsItIs() throws IOException {
        Files.writeString(rootfs.resolve("sandbox.vhdx"), "the user's scratch");
        try (Container c = runtime.create(ContainerSpec.builder().id("s2").rootfs(rootfs).capabilities().build())) {
            assertThat(c.isRunning()).isTrue();
        }
        assertThat(hcs.calls()).doesNotContain("CreateSandboxLayer");
        assertThat(rootfs.resolve("sandbox.vhdx")).hasContent("the user's scratch");
    }

    @Test
    void aBaseLayerAsRootfsGetsAScratchFolderOfItsOwn() {
        Path base = rootfs.resolveSibling("base");
        try (Container c = runtime.create(ContainerSpec.builder().id("s3").rootfs(base).capabilities().build())) {
            assertThat(c.exec(ProcessSpec.of("/bin/cat", "C:\\Windows\\System32\\hello.txt")).stdout()).isEqualTo("from base\n");
            assertThat(base.resolve("sandbox.vhdx")).doesNotExist();
        }
        assertThat(tmp.resolve("state/s3")).doesNotExist();
    }

    @Test
    void theMountRaceRetriesActivateAndPrepareDeactivatingBetween() {
        hcs.failNext("PrepareLayer", HResult.fromWin32(HResult.ERROR_NOT_READY));
        hcs.failNext("PrepareLayer", HResult.fromWin32(HResult.ERROR_DEVICE_NOT_CONNECTED));
        try (Container c = runtime.create(ContainerSpec.builder().id("s4").rootfs(rootfs).capabilities().build())) {
            assertThat(c.isRunning()).isTrue();
        }
        List<String> layerCalls = hcs.calls().stream().filter(List.of("ActivateLayer", "PrepareLayer", "DeactivateLayer", "GetLayerMountPath")::contains).toList();
        assertThat(layerCalls).startsWith("ActivateLayer", "PrepareLayer", "DeactivateLayer", "ActivateLayer", "PrepareLayer", "DeactivateLayer",
                "ActivateLayer", "PrepareLayer", "GetLayerMountPath");
    }

    @Test
    void anotherPrepareFailureIsNotRetried() {
        hcs.failNext("PrepareLayer", HResult.HCS_E_INVALID_LAYER);
        assertThatThrownBy(() -> runtime.create(ContainerSpec.builder().id("s5").rootfs(rootfs).capabilities().build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        assertThat(hcs.calls().stream().filter("PrepareLayer"::equals).count()).isEqualTo(1);
        assertThat(rootfs.resolve("sandbox.vhdx")).doesNotExist();
    }
}
