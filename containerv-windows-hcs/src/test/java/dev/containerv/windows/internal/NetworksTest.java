package dev.containerv.windows.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.containerv.windows.schema.HostComputeNetwork;
import dev.containerv.windows.schema.Json;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Network choice: HCN network name, then NAT, then ICS. Networks are HCN documents with the reference's keys only. */
class NetworksTest {
    /** The keys of an HCN HostComputeNetwork document (reference: windows-hcs.md, 9.2). */
    private static final List<String> HCN_NETWORK_KEYS = List.of("ID", "Name", "Type", "Policies", "Dns", "Ipams");

    private static HostComputeNetwork net(String name, String type) {
        return Json.read("{\"ID\":\"" + name + "-id\",\"Name\":\"" + name + "\"" + (type == null ? "" : ",\"Type\":\"" + type + "\"") + "}",
                HostComputeNetwork.class);
    }

    @Test
    void choosesByNameThenNatThenIcs() {
        List<HostComputeNetwork> nets = List.of(net("ics", "ICS"), net("l2", "L2Bridge"), net("nat", null), net("External Switch", "Transparent"));
        assertThat(Networks.choose(nets, Optional.of("external switch")).orElseThrow().name()).isEqualTo("External Switch");
        assertThat(Networks.choose(nets, Optional.of("l2")).orElseThrow().name()).isEqualTo("l2");
        assertThat(Networks.choose(nets, Optional.of("missing"))).isEmpty();
        assertThat(Networks.choose(nets, Optional.empty()).orElseThrow().name()).as("absent Type means NAT").isEqualTo("nat");
        assertThat(Networks.choose(List.of(net("ics", "ICS"), net("l2", "L2Bridge")), Optional.empty()).orElseThrow().name()).isEqualTo("ics");
        assertThat(Networks.choose(List.of(net("nat", "NAT"), net("Default Switch", "ICS")), Optional.empty()).orElseThrow().name())
                .as("the network named Default Switch comes before any NAT network").isEqualTo("Default Switch");
    }

    @Test
    void aSwitchNameKeyIsNotAnHcnFieldAndIsNeverMatched() {
        String hcn = "[{\"ID\":\"0b8a4f6e-0000-4000-8000-000000000001\",\"Name\":\"ext\",\"Type\":\"Transparent\",\"SwitchName\":\"External Switch\","
                + "\"Policies\":[],\"Ipams\":[{\"Type\":\"Static\",\"Subnets\":[{\"IpAddressPrefix\":\"192.168.1.0/24\"}]}]},"
                + "{\"ID\":\"0b8a4f6e-0000-4000-8000-000000000002\",\"Name\":\"nat\",\"SwitchName\":\"Default Switch\"}]";
        List<HostComputeNetwork> nets = Json.readList(hcn, HostComputeNetwork.class);
        assertThat(Networks.choose(nets, Optional.of("External Switch"))).isEmpty();
        assertThat(Networks.choose(nets, Optional.of("ext")).orElseThrow().id()).endsWith("01");
    }

    @Test
    void theNetworkDocumentHasOnlyHcnKeys() {
        List<String> keys = Arrays.stream(HostComputeNetwork.class.getRecordComponents())
                .map(RecordComponent::getAccessor)
                .map(m -> m.getAnnotation(JsonProperty.class))
                .map(p -> p == null ? "<no @JsonProperty>" : p.value())
                .toList();
        assertThat(HCN_NETWORK_KEYS).containsAll(keys);
    }
}
