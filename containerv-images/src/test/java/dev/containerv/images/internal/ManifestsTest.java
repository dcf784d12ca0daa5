package dev.containerv.images.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestsTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    private static Json json(String s) throws IOException {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aDescriptorIsReadWithItsMediaTypeDigestAndSize() throws IOException {
        Descriptor d = Manifests.descriptor(json("{\"mediaType\":\"t\",\"digest\":\"" + DIGEST + "\",\"size\":12}"), "img layer");
        assertThat(d.mediaType()).isEqualTo("t");
        assertThat(d.digest().toString()).isEqualTo(DIGEST);
        assertThat(d.size()).isEqualTo(12);
    }

    @Test
    void aDescriptorWithoutADigestOrWithAFractionalSizeNamesBothFieldsTheirValuesAndWhatIsAccepted() {
        assertThatThrownBy(() -> Manifests.descriptor(json("{\"size\":12}"), "img layer"))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
                    assertThat(e.getMessage()).contains("img layer", "digest (missing)", "size 12", "a string", "whole number");
                });
        assertThatThrownBy(() -> Manifests.descriptor(json("{\"digest\":\"" + DIGEST + "\",\"size\":1.5}"), "img layer"))
                .hasMessageContaining("digest \"" + DIGEST + "\"").hasMessageContaining("size 1.5");
    }

    @Test
    void aNegativeSizeIsRefusedNamingTheValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> Manifests.descriptor(json("{\"digest\":\"" + DIGEST + "\",\"size\":-1}"), "img layer"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.getMessage())
                        .contains("img layer", "size -1", "0 bytes or more"));
    }
}
