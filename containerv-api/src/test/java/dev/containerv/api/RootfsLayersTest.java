package dev.containerv.api;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.containerv.api.ValidationTest.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link ContainerSpec.Builder#rootfsLayers(List)}: order, the base, replacement and what build() refuses. */
class RootfsLayersTest {
    private static final Path TOP = Path.of("/srv/layers/top");
    private static final Path MIDDLE = Path.of("/srv/layers/middle");
    private static final Path BASE = Path.of("/srv/layers/base");

    @Test
    void layersKeepTheirOrderTopFirstAndTheLastIsTheBase() {
        ContainerSpec spec = ContainerSpec.builder().rootfsLayers(List.of(TOP, MIDDLE, BASE)).build();
        assertThat(spec.rootfsLayers()).containsExactly(TOP, MIDDLE, BASE);
        assertThat(spec.rootfs()).isEqualTo(BASE);
        assertThat(spec.toBuilder().build().rootfsLayers()).containsExactly(TOP, MIDDLE, BASE);
        assertThat(spec.toString()).contains("[" + TOP + ", " + MIDDLE + ", " + BASE + "]");
    }

    @Test
    void aPlainRootfsIsAStackOfOne() {
        ContainerSpec spec = ContainerSpec.builder().rootfs(BASE).build();
        assertThat(spec.rootfsLayers()).containsExactly(BASE);
        assertThat(ContainerSpec.builder().layer(Layer.baseRootfs(BASE)).build().rootfsLayers()).containsExactly(BASE);
    }

    @Test
    void laterCallsReplaceTheRoot() {
        assertThat(ContainerSpec.builder().rootfsLayers(List.of(TOP, BASE)).rootfs(MIDDLE).build().rootfsLayers()).containsExactly(MIDDLE);
        assertThat(ContainerSpec.builder().rootfs(MIDDLE).rootfsLayers(List.of(TOP, BASE)).build().rootfsLayers()).containsExactly(TOP, BASE);
    }

    @Test
    void theBuilderCopiesTheList() {
        List<Path> mutable = new ArrayList<>(List.of(TOP, BASE));
        ContainerSpec.Builder b = ContainerSpec.builder().rootfsLayers(mutable);
        mutable.add(MIDDLE);
        assertThat(b.build().rootfsLayers()).containsExactly(TOP, BASE);
    }

    @Test
    void anEmptyListADuplicateOrANullElementIsRefused() {
        assertInvalid(() -> ContainerSpec.builder().rootfsLayers(List.of()).build(), "rootfsLayers");
        assertInvalid(() -> ContainerSpec.builder().rootfsLayers(List.of(TOP, BASE, Path.of("/srv/layers/x/../top"))).build(), "rootfsLayers");
        List<Path> withNull = new ArrayList<>(List.of(TOP));
        withNull.add(null);
        assertInvalid(() -> ContainerSpec.builder().rootfsLayers(withNull), "rootfsLayers[1]");
    }

    @Test
    void aBaseRootfsLayerConflictingWithAStackIsRefused() {
        assertInvalid(() -> ContainerSpec.builder().rootfsLayers(List.of(TOP, BASE)).layer(Layer.baseRootfs(BASE)), "layers");
    }
}
