package dev.containerv.linux.cgroup;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ResourceLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime's view of the host's cgroups when the host has none, or refuses to make one. */
class HostCgroupsTest {
    @TempDir
    Path tmp;

    private static final ResourceLimits MEMORY = ResourceLimits.builder().memoryMax("64M").build();

    @Test
    void withoutCgroupMountsAContainerWithoutLimitsHasNoCgroupAndLimitsAreNotSupported() {
        HostCgroups none = new HostCgroups(() -> new CgroupManager(CgroupLayout.parse("27 1 254:0 / / rw - ext4 /dev/vda rw\n", ""),
                CgroupFiles.HOST, "containerv", pid -> { }));
        assertThat(none.manager()).isEmpty();
        assertThat(none.create("c1", ResourceLimits.none(), 2)).isEmpty();
        assertThatThrownBy(() -> none.create("c1", MEMORY, 2)).isInstanceOfSatisfying(ContainerException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED)).hasMessageContaining("no usable cgroup mount");
        assertThat(none.removeDead("c1")).isEmpty();
    }

    @Test
    void aLayoutThatCannotBeDetectedCountsAsNoCgroups() {
        HostCgroups broken = new HostCgroups(() -> {
            throw new UncheckedIOException(new IOException("mountinfo unreadable"));
        });
        assertThat(broken.create("c1", ResourceLimits.none(), 2)).isEmpty();
        assertThatThrownBy(() -> broken.create("c1", MEMORY, 2)).hasMessageContaining("mountinfo unreadable");
    }

    @Test
    void aHostThatRefusesTheCgroupRunsAContainerWithoutLimitsWithoutOneButRefusesLimits() throws IOException {
        // The "mount point" is a regular file, so making the parent under it fails as a read-only cgroupfs would.
        Path notADir = Files.writeString(tmp.resolve("memory"), "");
        HostCgroups refusing = new HostCgroups(() -> new CgroupManager(
                CgroupLayout.parse("30 23 0:29 / " + notADir + " rw - cgroup cgroup rw,memory\n", "4:memory:/\n"),
                CgroupFiles.HOST, "containerv", pid -> { }));
        assertThat(refusing.manager()).isPresent();
        assertThat(refusing.create("c1", ResourceLimits.none(), 2)).isEmpty();
        assertThatThrownBy(() -> refusing.create("c1", MEMORY, 2)).isInstanceOf(ContainerException.class);
    }
}
