package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The document given to {@code HcnModifyNamespace}: add or remove an endpoint.
 *
 * <p>HCN schema 2.0 (MicrosoftDocs hcn reference): keys spell {@code ID} in capitals; absent fields are
 * omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NamespaceResourceRequest(
        @JsonProperty("ResourceType") String resourceType,
        @JsonProperty("RequestType") String requestType,
        @JsonProperty("Settings") NamespaceEndpoint settings) {
}
