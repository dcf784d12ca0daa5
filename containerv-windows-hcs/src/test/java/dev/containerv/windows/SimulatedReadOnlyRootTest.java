package dev.containerv.windows;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A read-only root on Windows: HCS always gives a container a writable scratch layer over its image, so the provider
 * does not declare READ_ONLY_ROOT and refuses the spec before anything is made, naming why.
 */
class SimulatedReadOnlyRootTest extends SimulatedHcsTestBase {
    @Test
    void aReadOnlyRootIsNotSupportedNamingTheFeatureAndNothingIsMade() {
        assertThat(runtime.features()).doesNotContain(RuntimeFeature.READ_ONLY_ROOT);
        ContainerSpec spec = ContainerSpec.builder().id("sim-ro").capabilities().rootfs(rootfs).readOnlyRoot(true).build();
        assertThatThrownBy(() -> runtime.create(spec))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("READ_ONLY_ROOT").hasMessageContaining("writable scratch layer");
        assertThat(hcs.calls()).doesNotContain("CreateSandboxLayer", "HcsCreateComputeSystem");
        assertThat(tmp.resolve("state/sim-ro")).doesNotExist();
        assertThat(runtime.list()).doesNotContain("sim-ro");
    }
}
