package dev.containerv.testkit;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.IdMapping;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.containerv.testkit.ConformanceSupport.thrownBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code lifecycle} area of the conformance suite. Creating, listing, opening and destroying containers, and
 * what destroy leaves behind. Implemented by {@link ContainerConformanceSuite}; see {@link ConformanceRules} for
 * the names.
 */
public interface LifecycleRules extends ConformanceRules {
    @Test
    default void required_lifecycle_createGivesTheSpecsIdAndSpec() {
        String id = tck().newId();
        Container c = tck().create(tck().specBuilder(id).build());
        assertThat(c.id()).isEqualTo(id);
        assertThat(c.spec().id()).isEqualTo(id);
        assertThat(c.isRunning()).isTrue();
    }

    @Test
    default void required_lifecycle_anIdIsGeneratedWhenNoneIsGiven() {
        ContainerSpec spec = specWithoutId();
        Container c = tck().create(spec);
        assertThat(c.id()).isEqualTo(spec.id()).isNotBlank();
        assertThat(tck().exec(c, tck().fixture().exitWith(0)).exitCode()).isZero();
    }

    private ContainerSpec specWithoutId() {
        ContainerSpec template = tck().specBuilder(tck().newId()).build();
        ContainerSpec.Builder b = ContainerSpec.builder().rootfs(template.rootfs()).capabilities(template.capabilities())
                .layers(template.layers()).persistent(template.persistent())
                .uidMappings(template.uidMappings().toArray(IdMapping[]::new)).gidMappings(template.gidMappings().toArray(IdMapping[]::new));
        template.extensions().values().forEach(b::extension);
        return b.build();
    }

    @Test
    default void required_lifecycle_listShowsARunningContainerAndNotADestroyedOne() {
        Container c = tck().createDefault();
        assertThat(tck().runtime().list()).contains(c.id());
        c.destroy();
        assertThat(tck().runtime().list()).doesNotContain(c.id());
    }

    @Test
    default void optional_lifecycle_openByIdRunsProcessesInTheSameContainer() {
        tck().requiresFeatures(RuntimeFeature.OPEN_BY_ID, RuntimeFeature.FILE_TRANSFER);
        Container c = tck().createDefault();
        String file = tck().scratchPath("opened");
        assertThat(tck().exec(c, tck().fixture().writeFile(file, "seen from the creator")).exitCode()).isZero();
        Container opened = tck().runtime().open(c.id());
        try {
            assertThat(opened.id()).isEqualTo(c.id());
            assertThat(tck().exec(opened, tck().fixture().readFile(file)).stdout()).isEqualTo("seen from the creator");
        } finally {
            detachOrLeave(opened);
        }
        assertThat(c.isRunning()).isTrue();
    }

    private static void detachOrLeave(Container opened) {
        try {
            opened.detach();
        } catch (ContainerException e) {
            if (!e.isNotSupported()) {
                throw e;
            }
        }
    }

    @Test
    default void optional_lifecycle_openOfAnUnknownIdIsNotFound() {
        tck().requiresFeatures(RuntimeFeature.OPEN_BY_ID);
        String id = tck().newId();
        assertThatThrownBy(() -> tck().runtime().open(id))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining(id);
    }

    @Test
    default void required_lifecycle_destroyTwiceIsHarmless() {
        Container c = tck().createDefault();
        c.destroy();
        c.destroy();
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    default void required_lifecycle_destroyWithGraceZeroEndsEverythingOrIsRefused() throws Exception {
        Container c = tck().createDefault();
        ContainerProcess p = c.spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        assertThatThrownBy(() -> c.destroyWithGrace(Duration.ofSeconds(-1)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        assertThat(c.isRunning()).as("a refused grace leaves the container running").isTrue();
        try {
            c.destroyWithGrace(Duration.ZERO);
        } catch (ContainerException e) {
            // A provider may not choose the grace per destroy; it must say so, never ignore it.
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.NOT_SUPPORTED);
            assertThat(c.isRunning()).as("a refused destroyWithGrace leaves the container as it was").isTrue();
            return;
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the process ends with its container").isTrue();
        assertThat(c.isRunning()).isFalse();
        c.destroyWithGrace(Duration.ZERO); // idempotent, like destroy()
    }

    @Test
    default void required_lifecycle_closeAfterDestroyIsHarmless() {
        Container c = tck().createDefault();
        c.destroy();
        c.close();
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    default void required_lifecycle_destroyWhileProcessesRunEndsThem() throws Exception {
        Container c = tck().createDefault();
        ContainerProcess p = c.spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        assertThat(p.isAlive()).isTrue();
        long started = System.nanoTime();
        c.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the process ends with its container").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    default void required_lifecycle_destroyLeavesNothingOnTheHost() {
        Container c = tck().createDefault();
        tck().exec(c, tck().fixture().writeFile(tck().scratchPath("left"), "x"));
        c.destroy();
        Optional<List<String>> left = tck().hostLeftovers(c.id());
        Assumptions.assumeTrue(left.isPresent(), () -> "the suite of provider " + tck().providerName()
                + " does not look for what a destroyed container leaves on the host: its hostLeftovers(String) answers empty");
        assertThat(left.orElseThrow()).as("what container %s left on the host", c.id()).isEmpty();
    }

    @Test
    default void required_lifecycle_twoContainersAtOnceAreSeparate() {
        Container a = tck().createDefault();
        Container b = tck().createDefault();
        String file = tck().scratchPath("mine");
        assertThat(tck().exec(a, tck().fixture().writeFile(file, "a")).exitCode()).isZero();
        assertThat(tck().exec(b, tck().fixture().pathExists(file)).exitCode()).as("b must not see a's file").isNotZero();
        assertThat(tck().exec(a, tck().fixture().readFile(file)).stdout()).isEqualTo("a");
    }

    @Test
    default void required_lifecycle_aTakenIdIsAlreadyExists() {
        Container c = tck().createDefault();
        assertThat(thrownBy(() -> tck().create(tck().specBuilder(c.id()).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS))
                .hasMessageContaining(c.id());
        assertThat(tck().exec(c, tck().fixture().exitWith(0)).exitCode()).as("the first container is untouched").isZero();
    }

    @Test
    default void required_lifecycle_spawnAfterDestroyFailsClearly() {
        Container c = tck().createDefault();
        c.destroy();
        assertThatThrownBy(() -> c.spawn(tck().fixture().exitWith(0).build()))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining(c.id());
    }

    @Test
    default void required_lifecycle_aMissingRootfsFailsAndLeavesNothing() throws IOException {
        String id = tck().newId();
        Path missing = tck().hostTempDir().resolve("no-such-rootfs");
        ContainerSpec spec = tck().specBuilder(id).rootfs(missing).build();
        Throwable t = thrownBy(() -> tck().create(spec));
        assertThat(t).isInstanceOf(ContainerException.class).hasMessageContaining("no-such-rootfs");
        assertThat(((ContainerException) t).kind()).isIn(ErrorKind.NOT_FOUND, ErrorKind.INVALID_SPEC);
        assertThat(tck().runtime().list()).doesNotContain(id);
        assertThat(tck().leftoversOf(id)).isEmpty();
    }
}
