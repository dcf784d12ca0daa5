package dev.containerv.testkit;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.GuestOs;
import dev.containerv.api.Layer;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static dev.containerv.testkit.ConformanceSupport.thrownBy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-only root of the {@code rootfs} area ({@link ContainerSpec.Builder#readOnlyRoot(boolean)}): a provider
 * that declares {@link RuntimeFeature#READ_ONLY_ROOT} refuses writes to the root while a tmpfs layer stays writable; one
 * that does not refuses the spec with {@code NOT_SUPPORTED}, never giving it a writable root. Implemented by
 * {@link ContainerConformanceSuite}; see {@link ConformanceRules} for the names.
 */
public interface ReadOnlyRootRules extends ConformanceRules {
    /** A file name no rule writes elsewhere, in the root directory of the guest. */
    String PROBE = "cv-read-only-root.txt";

    @Test
    default void required_rootfs_readOnlyRootIsHonouredOrRefusedNeverIgnored() {
        Assumptions.assumeFalse(tck().runtime().features().contains(RuntimeFeature.READ_ONLY_ROOT),
                "the provider declares READ_ONLY_ROOT; optional_rootfs_readOnlyRootRefusesWritesWhileATmpfsLayerStaysWritable checks it");
        String id = tck().newId();
        assertThat(thrownBy(() -> tck().create(tck().specBuilder(id).readOnlyRoot(true).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThat(tck().runtime().list()).doesNotContain(id);
    }

    @Test
    default void optional_rootfs_readOnlyRootRefusesWritesWhileATmpfsLayerStaysWritable() {
        tck().requiresFeatures(RuntimeFeature.READ_ONLY_ROOT, RuntimeFeature.TMPFS_LAYERS);
        GuestFixture f = tck().fixture();
        String root = f.path(f.guestOs() == GuestOs.WINDOWS ? "C:\\" : "/", PROBE);
        String scratch = f.scratchDirectory();
        // The scratch directory exists in the suite's root file system: a read-only root cannot make a mount point.
        Container c = tck().create(tck().specBuilder(tck().newId()).readOnlyRoot(true).layer(Layer.tmpfs(scratch, "1M")).build());
        assertThat(tck().exec(c, f.writeFile(root, "x")).exitCode()).as("a write to the read-only root").isNotZero();
        assertThat(tck().exec(c, f.pathExists(root)).exitCode()).as("the file the write would have made").isNotZero();
        String inScratch = f.path(scratch, "t.txt");
        assertThat(tck().exec(c, f.writeFile(inScratch, "t")).exitCode()).as("a write to the tmpfs layer").isZero();
        assertThat(tck().exec(c, f.readFile(inScratch)).stdout()).isEqualTo("t");
        // The same write with the default, writable root succeeds: what failed above was the root, not the fixture.
        Container writable = tck().create(tck().specBuilder(tck().newId()).build());
        assertThat(tck().exec(writable, f.writeFile(root, "x")).exitCode()).as("a write to a writable root").isZero();
    }
}
