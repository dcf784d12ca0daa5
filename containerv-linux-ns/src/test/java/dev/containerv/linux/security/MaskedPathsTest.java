package dev.containerv.linux.security;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaskedPathsTest {
    @Test
    void theDefaultsAreRuncsLists() {
        MaskedPaths d = MaskedPaths.defaults();

        assertThat(d.masked()).contains("/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/proc/latency_stats",
                "/proc/acpi", "/proc/scsi", "/sys/firmware");
        assertThat(d.readOnly()).containsExactly("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
        assertThat(d.masked()).doesNotContainAnyElementsOf(d.readOnly());
    }

    @Test
    void containervsOwnDirectoriesAreAddedNormalisedOnce() {
        MaskedPaths m = MaskedPaths.defaults().withMasked(List.of(Path.of("/run/containerv"), Path.of("/var/lib/containerv/"),
                Path.of("/run/x/../containerv")));

        assertThat(m.masked()).endsWith("/run/containerv", "/var/lib/containerv");
        assertThat(m.hides("/run/containerv/t-1/state.json")).isTrue();
        assertThat(m.hides("/run/containerv-other")).isFalse();
        assertThat(m.hides("/proc/keys")).isTrue();
        assertThat(m.hides("/proc/sys/kernel/core_pattern")).isFalse();
        assertThat(MaskedPaths.defaults().masked()).doesNotContain("/run/containerv");
    }

    @Test
    void aRelativePathOrTheRootIsRefused() {
        assertThatThrownBy(() -> MaskedPaths.defaults().withMasked(List.of(Path.of("run/containerv"))))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("run/containerv");
        assertThatThrownBy(() -> MaskedPaths.defaults().withMasked(List.of(Path.of("/"))))
                .isInstanceOf(ContainerException.class);
    }
}
