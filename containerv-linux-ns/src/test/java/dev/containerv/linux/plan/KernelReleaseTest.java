package dev.containerv.linux.plan;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KernelReleaseTest {
    @Test
    void readsMajorAndMinorOfUnameTexts() {
        assertThat(KernelRelease.parse("6.18.44-fc-v669")).isEqualTo(new KernelRelease(6, 18));
        assertThat(KernelRelease.parse("5.10.0-28-amd64")).isEqualTo(new KernelRelease(5, 10));
        assertThat(KernelRelease.parse("4.19")).isEqualTo(new KernelRelease(4, 19));
    }

    @Test
    void anUnreadableReleaseIsTheOldestKernel() {
        assertThat(KernelRelease.parse("")).isEqualTo(new KernelRelease(0, 0));
        assertThat(KernelRelease.parse("linux")).isEqualTo(new KernelRelease(0, 0));
        assertThat(KernelRelease.parse("6")).isEqualTo(new KernelRelease(0, 0));
        assertThat(KernelRelease.parse("").hasVolatileOverlay()).isFalse();
    }

    @Test
    void volatileOverlaysFromLinux5Point10() {
        assertThat(KernelRelease.parse("5.9.16").hasVolatileOverlay()).isFalse();
        assertThat(KernelRelease.parse("5.10.1").hasVolatileOverlay()).isTrue();
        assertThat(KernelRelease.parse("6.1.0").hasVolatileOverlay()).isTrue();
        assertThat(KernelRelease.parse("4.20.0").hasVolatileOverlay()).isFalse();
    }
}
