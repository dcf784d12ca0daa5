package dev.containerv.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.containerv.api.ContainerException;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    @Test
    void shortNamesAreNormalisedAsDockerDoes() {
        assertThat(ImageReference.parse("busybox").toString()).isEqualTo("docker.io/library/busybox:latest");
        assertThat(ImageReference.parse("me/tool:2").toString()).isEqualTo("docker.io/me/tool:2");
    }

    @Test
    void registryWithPortAndDigest() {
        String d = "sha256:" + "a".repeat(64);
        ImageReference r = ImageReference.parse("127.0.0.1:5000/team/app:1.0@" + d);
        assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(r.repository()).isEqualTo("team/app");
        assertThat(r.tag()).isEqualTo("1.0");
        assertThat(r.manifestReference()).isEqualTo(d);
        assertThat(r.isLoopback()).isTrue();
        assertThat(ImageReference.parse("localhost:5000/app").isLoopback()).isTrue();
        assertThat(ImageReference.parse("registry.example.test/app").isLoopback()).isFalse();
    }

    @Test
    void badPartsAreNamed() {
        assertThatThrownBy(() -> ImageReference.parse("Upper/Case")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("image repository");
        assertThatThrownBy(() -> ImageReference.parse("app@sha256:xyz")).isInstanceOf(ContainerException.class)
                .hasMessageContaining("digest");
    }
}
