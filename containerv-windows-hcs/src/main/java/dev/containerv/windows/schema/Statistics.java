package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Resource use of a compute system.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Statistics(
        @JsonProperty("Timestamp") String timestamp,
        @JsonProperty("ContainerStartTime") String containerStartTime,
        @JsonProperty("Uptime100ns") Long uptime100ns,
        @JsonProperty("Processor") ProcessorStats processor,
        @JsonProperty("Memory") MemoryStats memory,
        @JsonProperty("Storage") StorageStats storage) {
}
