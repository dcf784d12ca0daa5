package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Storage input and output.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StorageStats(
        @JsonProperty("ReadCountNormalized") Long readCountNormalized,
        @JsonProperty("ReadSizeBytes") Long readSizeBytes,
        @JsonProperty("WriteCountNormalized") Long writeCountNormalized,
        @JsonProperty("WriteSizeBytes") Long writeSizeBytes) {
}
