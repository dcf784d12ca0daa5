package dev.containerv.linux.plan;

import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.IdMapping;
import dev.containerv.linux.LinuxOptions;
import dev.containerv.linux.spec.SpecChecks;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A root of several layers: the plan's {@code lower} lines, and the checks every layer gets (not only the base). */
class LayeredRootPlanTest {
    @TempDir
    Path tmp;

    /** The rendered plan of {@code spec}, with its state under {@code tmp/state/<id>} and its writable layer at {@code layers}. */
    private String planText(ContainerSpec spec, Path rootfs, Path layers) throws IOException {
        Path state = tmp.resolve("state/" + spec.id());
        return PlanBuilder.plan(spec, rootfs, LinuxOptions.defaults(), state, layers, state.resolve("control")).render();
    }

    /** What {@code call} throws, checked to be a {@link ContainerException} of {@code kind}, for its message checks. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(ThrowingCallable call, ErrorKind kind) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    @Test
    void everyLayerAboveTheBaseBecomesALowerLineTopFirstAndTheBaseStaysRootfs() throws IOException {
        Path top = Files.createDirectories(tmp.resolve("top"));
        Path middle = Files.createDirectories(tmp.resolve("middle"));
        Path base = Files.createDirectories(tmp.resolve("base"));
        ContainerSpec spec = ContainerSpec.builder().id("l1").rootfsLayers(List.of(top, middle, base)).build();
        Path rootfs = SpecChecks.validate(spec, "test");
        assertThat(rootfs).isEqualTo(base.toRealPath());
        Path layers = tmp.resolve("layers/l1");
        String text = planText(spec, rootfs, layers);
        assertThat(text).containsSubsequence("lower " + top.toRealPath() + "\n", "lower " + middle.toRealPath() + "\n",
                "rootfs " + base.toRealPath() + "\n", "upper " + tmp.resolve("layers/l1+upper") + "\n");
    }

    @Test
    void aSingleRootHasNoLowerLine() throws IOException {
        Path base = Files.createDirectories(tmp.resolve("base"));
        ContainerSpec spec = ContainerSpec.builder().id("l2").rootfs(base).build();
        String text = planText(spec, base.toRealPath(), tmp.resolve("layers/l2"));
        assertThat(text).doesNotContain("\nlower ");
    }

    /** overlayfs refuses an upper dir inside any lower, not only the base: then the writable layer goes to a tmpfs. */
    @Test
    void anUpperLayerHoldingTheLayerDirectoryPutsTheWritableLayerOnTmpfs() throws IOException {
        Path top = Files.createDirectories(tmp.resolve("top"));
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path layers = top.resolve("var/lib/containerv/l3");
        ContainerSpec spec = ContainerSpec.builder().id("l3").rootfsLayers(List.of(top, base)).build();
        String text = planText(spec, base.toRealPath(), layers);
        assertThat(text).contains("tmpfs-upper " + layers.resolve("scratch") + " 0\n").doesNotContain("\nupper ");
    }

    @Test
    void aMissingUpperLayerIsNotFoundNamingIt() throws IOException {
        Path base = Files.createDirectories(tmp.resolve("base"));
        ContainerSpec spec = ContainerSpec.builder().id("l4").rootfsLayers(List.of(tmp.resolve("gone"), base)).build();
        assertRefused(() -> SpecChecks.validate(spec, "test"), ErrorKind.NOT_FOUND)
                .hasMessageContaining("rootfsLayers[0]").hasMessageContaining("gone");
    }

    @Test
    void anUpperLayerThatIsAFileOrHasAColonIsRefusedNamingIt() throws IOException {
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path colon = Files.createDirectories(tmp.resolve("a:b"));
        assertRefused(() -> SpecChecks.validate(ContainerSpec.builder().id("l5").rootfsLayers(List.of(file, base)).build(), "test"), ErrorKind.INVALID_SPEC)
                .hasMessageContaining("rootfsLayers[0]");
        assertRefused(() -> SpecChecks.validate(ContainerSpec.builder().id("l5").rootfsLayers(List.of(colon, base)).build(), "test"), ErrorKind.INVALID_SPEC)
                .hasMessageContaining("rootfsLayers[0]");
    }

    /** Two names of one directory (a symbolic link) pass the API's check but not the real-path one. */
    @Test
    void twoNamesOfOneDirectoryAreRefused() throws IOException {
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), base);
        assertRefused(() -> SpecChecks.validate(ContainerSpec.builder().id("l6").rootfsLayers(List.of(link, base)).build(), "test"), ErrorKind.INVALID_SPEC)
                .hasMessageContaining("rootfsLayers");
    }

    /** Only the single root is idmapped with USERS: a stack would show its upper layers' files owned by nobody. */
    @Test
    void aLayeredRootWithUserNamespacesIsNotSupportedNamingWhy() throws IOException {
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path top = Files.createDirectories(tmp.resolve("top"));
        ContainerSpec spec = ContainerSpec.builder().id("l8").rootfsLayers(List.of(top, base))
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.USERS)
                .uidMappings(new IdMapping(0, 100000, 65536)).gidMappings(new IdMapping(0, 100000, 65536))
                .build();
        assertRefused(() -> SpecChecks.validate(spec, "test"), ErrorKind.NOT_SUPPORTED)
                .hasMessageContaining("rootfsLayers").hasMessageContaining("USERS");
    }

    @Test
    void moreLayersThanOverlayfsStacksAreRefused() throws IOException {
        List<Path> many = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            many.add(Files.createDirectories(tmp.resolve("many/" + i)));
        }
        assertRefused(() -> SpecChecks.validate(ContainerSpec.builder().id("l7").rootfsLayers(many).build(), "test"), ErrorKind.INVALID_SPEC)
                .hasMessageContaining("at most 500");
    }

    /** A layer inside the layer root would show other containers' writable layers: refused like a rootfs there. */
    @Test
    void anUpperLayerInsideContainervsOwnDirectoriesIsRefused() throws IOException {
        Path layerRoot = Files.createDirectories(tmp.resolve("var-lib-containerv"));
        Path inside = Files.createDirectories(layerRoot.resolve("other/upper"));
        Path base = Files.createDirectories(tmp.resolve("base"));
        ContainerSpec spec = ContainerSpec.builder().id("l8").rootfsLayers(List.of(inside, base)).build();
        assertRefused(() -> SecuritySetup.requireOutsideOwnDirectories(spec, base, List.of(layerRoot), "test", "l8"), ErrorKind.PERMISSION_DENIED)
                .hasMessageContaining("rootfsLayers[0]");
    }

    /** The state root inside an upper layer is masked where the container sees it, as it is inside the base. */
    @Test
    void containervsDirectoriesInsideAnUpperLayerAreMasked() throws IOException {
        Path top = Files.createDirectories(tmp.resolve("top"));
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path stateRoot = Files.createDirectories(top.resolve("run/containerv"));
        ContainerSpec spec = ContainerSpec.builder().id("l9").rootfsLayers(List.of(top, base)).build();
        LaunchPlan plan = new LaunchPlan("l9", "l9");
        String text = SecuritySetup.apply(plan.stateDir(tmp, tmp.resolve("c")).overlay(base, tmp, tmp, tmp), spec, base.toRealPath(),
                LinuxOptions.defaults(), List.of(stateRoot), Map.of()).render();
        assertThat(text).contains("mask /run/containerv\n");
    }
}
