package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A utility VM (Hyper-V isolation, LCOW).
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VirtualMachine(
        @JsonProperty("StopOnReset") Boolean stopOnReset,
        @JsonProperty("Chipset") Chipset chipset,
        @JsonProperty("ComputeTopology") ComputeTopology computeTopology,
        @JsonProperty("Devices") Devices devices) {
}
