package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An HNS endpoint: the container end of a network.
 *
 * <p>HCN schema 2.0 (MicrosoftDocs hcn reference): keys spell {@code ID} in capitals; absent fields are
 * omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HostComputeEndpoint(
        @JsonProperty("ID") String id,
        @JsonProperty("Name") String name,
        @JsonProperty("HostComputeNetwork") String hostComputeNetwork,
        @JsonProperty("HostComputeNamespace") String hostComputeNamespace,
        @JsonProperty("IpConfigurations") List<IpConfig> ipConfigurations,
        @JsonProperty("Dns") Dns dns,
        @JsonProperty("Routes") List<Route> routes,
        @JsonProperty("SchemaVersion") Version schemaVersion) {
}
