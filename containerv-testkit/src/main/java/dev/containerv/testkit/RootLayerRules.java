package dev.containerv.testkit;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.containerv.testkit.ConformanceSupport.thrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code rootfs} area of the conformance suite: a root of several read-only layers
 * ({@link ContainerSpec.Builder#rootfsLayers(List)}), top first, over the suite's own root file system. The
 * layers are built by the test in overlayfs' form (a whiteout is a character device 0/0, an opaque directory has
 * {@code trusted.overlay.opaque=y}), which needs root on the host. Implemented by {@link ContainerConformanceSuite};
 * see {@link ConformanceRules} for the names.
 */
public interface RootLayerRules extends ConformanceRules {
    @Test
    default void required_rootfs_layersAreHonouredOrRefusedNeverIgnored() throws IOException {
        Assumptions.assumeFalse(tck().runtime().features().contains(RuntimeFeature.LAYERED_ROOTFS),
                "the provider declares LAYERED_ROOTFS; optional_rootfs_layersStackTopFirstWithWhiteoutsAndOpaqueDirectories checks it");
        Path top = Files.createDirectories(tck().hostTempDir().resolve("top"));
        String id = tck().newId();
        ContainerSpec template = tck().specBuilder(id).build();
        List<Path> layers = new ArrayList<>(List.of(top));
        layers.addAll(template.rootfsLayers());
        assertThat(thrownBy(() -> tck().create(template.toBuilder().rootfsLayers(layers).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThat(tck().runtime().list()).doesNotContain(id);
    }

    @Test
    default void optional_rootfs_layersStackTopFirstWithWhiteoutsAndOpaqueDirectories() throws IOException, InterruptedException {
        tck().requiresFeatures(RuntimeFeature.LAYERED_ROOTFS);
        tck().requiresGuest(GuestOs.LINUX);
        Path host = tck().hostTempDir();
        Path middle = Files.createDirectories(host.resolve("middle/cv-layers/opaque"));
        Files.writeString(host.resolve("middle/cv-layers/from-middle.txt"), "middle\n");
        Files.writeString(host.resolve("middle/cv-layers/both.txt"), "from middle\n");
        Files.writeString(host.resolve("middle/cv-layers/hidden.txt"), "whited out\n");
        Files.writeString(middle.resolve("old.txt"), "hidden by an opaque directory\n");
        Path top = Files.createDirectories(host.resolve("top/cv-layers/opaque"));
        Files.writeString(host.resolve("top/cv-layers/both.txt"), "from top\n");
        Files.writeString(top.resolve("new.txt"), "new\n");
        OverlayLayers.whiteout(host.resolve("top/cv-layers/hidden.txt"), tck().privilegedRequired());
        OverlayLayers.opaque(top, tck().privilegedRequired());

        ContainerSpec template = tck().specBuilder(tck().newId()).build();
        List<Path> layers = new ArrayList<>(List.of(host.resolve("top"), host.resolve("middle")));
        layers.addAll(template.rootfsLayers());
        Container c = tck().create(template.toBuilder().rootfsLayers(layers).build());
        GuestFixture f = tck().fixture();
        assertThat(tck().exec(c, f.readFile("/cv-layers/from-middle.txt")).stdout()).as("a file of a lower layer").isEqualTo("middle\n");
        assertThat(tck().exec(c, f.readFile("/cv-layers/both.txt")).stdout()).as("a file in two layers: the top one wins").isEqualTo("from top\n");
        assertThat(tck().exec(c, f.pathExists("/cv-layers/hidden.txt")).exitCode()).as("a file whited out by the top layer").isNotZero();
        assertThat(tck().exec(c, f.readFile("/cv-layers/opaque/new.txt")).stdout()).isEqualTo("new\n");
        assertThat(tck().exec(c, f.pathExists("/cv-layers/opaque/old.txt")).exitCode()).as("a lower file under an opaque directory").isNotZero();

        assertThat(tck().exec(c, f.writeFile("/cv-layers/from-middle.txt", "changed inside\n")).exitCode()).isZero();
        assertThat(tck().exec(c, f.readFile("/cv-layers/from-middle.txt")).stdout()).isEqualTo("changed inside\n");
        assertThat(host.resolve("middle/cv-layers/from-middle.txt")).as("a lower layer is never written to").hasContent("middle");
        assertThat(host.resolve("top/cv-layers/from-middle.txt")).as("nor a higher read-only layer: the copy goes to the container's own")
                .doesNotExist();
    }
}
