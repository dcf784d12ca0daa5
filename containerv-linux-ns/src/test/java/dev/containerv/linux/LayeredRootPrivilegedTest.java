package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layered roots on a real overlay, beyond what the conformance rule covers: a stack whose lowerdir option would not
 * fit mount(2)'s page (the helper gives each lower its own fsconfig call), and the layer order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LayeredRootPrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-layered-test");

    /** 40 layers with 150-character paths: about 6 KB of lowerdir, past the page a mount(2) option string may hold. */
    @Test
    void aStackLongerThanAPageOfOptionsMountsAndEachLayerIsSeen() throws Exception {
        List<Path> layers = new ArrayList<>();
        String longName = "l".repeat(120);
        for (int i = 39; i >= 0; i--) {
            Path layer = Files.createDirectories(BED.work().resolve(String.format("%02d-%s", i, longName)));
            Files.createDirectories(layer.resolve("stack"));
            Files.writeString(layer.resolve("stack/" + i), "layer " + i + "\n");
            Files.writeString(layer.resolve("stack/winner"), "layer " + i + "\n");
            layers.add(layer);
        }
        layers.add(BED.rootfs());
        int optionBytes = layers.stream().mapToInt(p -> p.toString().length() + 1).sum();
        assertThat(optionBytes).as("the lowerdir option alone").isGreaterThan(4096);
        try (Container c = BED.runtime().create(ContainerSpec.builder().id("lay-" + UUID.randomUUID().toString().substring(0, 8))
                .rootfsLayers(layers).build())) {
            String listing = c.exec(ProcessSpec.of("/bin/sh", "-c", "ls /stack | wc -l; cat /stack/winner /stack/0 /stack/39")).stdout();
            assertThat(listing).isEqualTo("41\nlayer 39\nlayer 0\nlayer 39\n");
        }
    }
}
