package dev.containerv.windows.internal;

import dev.containerv.windows.schema.HostComputeNetwork;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Network choice: switch name, then name, then NAT, then ICS. */
class NetworksTest {
    private static HostComputeNetwork net(String name, String type, String sw) {
        return new HostComputeNetwork(name + "-id", name, type, sw, null);
    }

    @Test
    void choosesAsTheOriginalDoes() {
        List<HostComputeNetwork> nets = List.of(net("ics", "ICS", "Other"), net("l2", "L2Bridge", "Ext"), net("nat", null, "natsw"),
                net("ext", "Transparent", "External Switch"));
        assertThat(Networks.choose(nets, Optional.of("External Switch")).orElseThrow().name()).isEqualTo("ext");
        assertThat(Networks.choose(nets, Optional.of("l2")).orElseThrow().name()).isEqualTo("l2");
        assertThat(Networks.choose(nets, Optional.of("missing"))).isEmpty();
        assertThat(Networks.choose(nets, Optional.empty()).orElseThrow().name()).as("absent Type means NAT").isEqualTo("nat");
        assertThat(Networks.choose(List.of(net("ics", "ICS", "x"), net("l2", "L2Bridge", "y")), Optional.empty()).orElseThrow().name()).isEqualTo("ics");
        assertThat(Networks.choose(List.of(net("d", "Transparent", "Default Switch")), Optional.empty()).orElseThrow().name()).isEqualTo("d");
    }
}
