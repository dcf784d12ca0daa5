package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Processor time in 100 ns units.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessorStats(
        @JsonProperty("TotalRuntime100ns") Long totalRuntime100ns,
        @JsonProperty("RuntimeUser100ns") Long runtimeUser100ns,
        @JsonProperty("RuntimeKernel100ns") Long runtimeKernel100ns) {
}
