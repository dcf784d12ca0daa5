package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An HNS network. An absent {@code Type} means NAT.
 *
 * <p>HCN schema 2.0 (MicrosoftDocs hcn reference): keys spell {@code ID} in capitals; absent fields are
 * omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HostComputeNetwork(
        @JsonProperty("ID") String id,
        @JsonProperty("Name") String name,
        @JsonProperty("Type") String type,
        @JsonProperty("SwitchName") String switchName,
        @JsonProperty("SchemaVersion") Version schemaVersion) {
}
