package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code Devices.HvSocket} of a virtual machine (schema {@code HvSocket2}): the Hyper-V socket settings, nested in
 * {@code HvSocketConfig}.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HvSocket(
        @JsonProperty("HvSocketConfig") HvSocketSystemConfig hvSocketConfig) {
}
