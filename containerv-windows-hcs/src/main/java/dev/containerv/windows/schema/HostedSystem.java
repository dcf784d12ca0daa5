package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A container hosted in a utility VM (Hyper-V isolation).
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HostedSystem(
        @JsonProperty("SchemaVersion") Version schemaVersion,
        @JsonProperty("Container") ContainerConfig container) {
}
