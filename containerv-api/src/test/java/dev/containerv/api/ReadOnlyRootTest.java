package dev.containerv.api;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ContainerSpec.Builder#readOnlyRoot(boolean)}: default, copying, and the conflict with a named writable layer. */
class ReadOnlyRootTest {
    private static final Path BASE = Path.of("/srv/rootfs");

    @Test
    void theRootIsWritableUnlessAsked() {
        assertThat(ContainerSpec.builder().rootfs(BASE).build().readOnlyRoot()).isFalse();
        ContainerSpec ro = ContainerSpec.builder().rootfs(BASE).readOnlyRoot(true).build();
        assertThat(ro.readOnlyRoot()).isTrue();
        assertThat(ro.toString()).contains("readOnlyRoot=true");
        assertThat(ContainerSpec.builder().rootfs(BASE).build().toString()).contains("readOnlyRoot=false");
        assertThat(ContainerSpec.builder().rootfs(BASE).readOnlyRoot(true).readOnlyRoot(false).build().readOnlyRoot()).isFalse();
    }

    @Test
    void toBuilderKeepsIt() {
        ContainerSpec ro = ContainerSpec.builder().rootfs(BASE).readOnlyRoot(true).build();
        assertThat(ro.toBuilder().build().readOnlyRoot()).isTrue();
        assertThat(ro.toBuilder().readOnlyRoot(false).build().readOnlyRoot()).isFalse();
    }

    @Test
    void aNamedWritableOverlayWithAReadOnlyRootIsRefusedNamingBoth() {
        for (ContainerSpec.Builder b : List.of(
                ContainerSpec.builder().rootfs(BASE).layer(Layer.writableOverlay()).readOnlyRoot(true),
                ContainerSpec.builder().readOnlyRoot(true).layers(List.of(Layer.baseRootfs(BASE), Layer.writableOverlay())))) {
            assertThatThrownBy(b::build)
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                    .hasMessageStartingWith("readOnlyRoot: invalid value 'true'")
                    .hasMessageContaining("layers naming Layer[WRITABLE_OVERLAY")
                    .hasMessageContaining("accepted");
        }
        // Named without a read-only root it changes nothing, as before.
        assertThat(ContainerSpec.builder().rootfs(BASE).layer(Layer.writableOverlay()).build().layers()).isEmpty();
    }

    @Test
    void layersStayAsGivenWithAReadOnlyRoot() {
        ContainerSpec ro = ContainerSpec.builder().rootfs(BASE).readOnlyRoot(true)
                .layer(Layer.tmpfs("/tmp", "1M")).layer(Layer.hostDirectory(Path.of("/srv/out"), "/out", Access.READ_WRITE)).build();
        assertThat(ro.layers()).hasSize(2);
    }
}
