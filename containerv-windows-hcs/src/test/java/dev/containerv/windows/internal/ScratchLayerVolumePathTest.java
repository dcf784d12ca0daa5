package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Storage.Path is the volume path with its trailing backslash, as hcsshim and moby give it; nothing else passes. */
class ScratchLayerVolumePathTest {
    private static final String VOLUME = "\\\\?\\Volume{0f3a8b5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b}";

    @Test
    void addsTheTrailingBackslashOnce() {
        assertThat(ScratchLayer.volumePath(VOLUME, "op", "c")).isEqualTo(VOLUME + "\\");
        assertThat(ScratchLayer.volumePath(VOLUME + "\\", "op", "c")).isEqualTo(VOLUME + "\\");
    }

    @Test
    void refusesWhatIsNoVolumePath() {
        for (String bad : new String[] {"C:\\ProgramData\\docker\\windowsfilter\\x", "", "\\\\?\\Volume{nope}\\"}) {
            assertThatThrownBy(() -> ScratchLayer.volumePath(bad, "op", "c"))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE))
                    .hasMessageContaining("GetLayerMountPath");
        }
    }
}
