package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Memory use in bytes.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MemoryStats(
        @JsonProperty("MemoryUsageCommitBytes") Long memoryUsageCommitBytes,
        @JsonProperty("MemoryUsageCommitPeakBytes") Long memoryUsageCommitPeakBytes,
        @JsonProperty("MemoryUsagePrivateWorkingSetBytes") Long memoryUsagePrivateWorkingSetBytes) {
}
