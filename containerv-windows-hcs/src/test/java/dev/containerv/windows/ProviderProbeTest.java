package dev.containerv.windows;

import com.sun.jna.Platform;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.spi.ProbeResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Off Windows the probe says so truthfully, never throws, and the runtime refuses with that reason. */
class ProviderProbeTest {
    @Test
    void probeOffWindowsNamesTheHost() {
        assumeFalse(Platform.isWindows(), "not Windows");
        ProbeResult probe = new WindowsHcsProvider().probe();
        assertThat(probe.available()).isFalse();
        assertThat(probe.reason()).contains("needs Windows").contains(System.getProperty("os.name"));
        assertThatThrownBy(() -> new WindowsHcsProvider().createRuntime().create(ContainerSpec.builder().rootfs(Path.of("x")).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
                    assertThat(e.getMessage()).contains("needs Windows");
                });
    }
}
