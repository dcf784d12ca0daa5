package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An HNS network, as HcnQueryNetworkProperties returns it. An absent {@code Type} means NAT.
 *
 * <p>HCN schema 2.0 (MicrosoftDocs hcn reference): keys spell {@code ID} in capitals; absent fields are
 * omitted, unknown ones ignored on read. Only the keys the provider reads are kept. The document has no
 * switch name (the original matched a {@code SwitchName} on {@code Get-HnsNetwork} output; HCN does not
 * define one), so a network is chosen by its {@code Name}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HostComputeNetwork(
        @JsonProperty("ID") String id,
        @JsonProperty("Name") String name,
        @JsonProperty("Type") String type) {
}
