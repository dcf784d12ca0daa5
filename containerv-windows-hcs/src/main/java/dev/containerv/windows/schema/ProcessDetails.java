package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One process of a compute system ({@code ProcessList}).
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessDetails(
        @JsonProperty("ProcessId") Long processId,
        @JsonProperty("ImageName") String imageName,
        @JsonProperty("CreateTimestamp") String createTimestamp,
        @JsonProperty("UserTime100ns") Long userTime100ns,
        @JsonProperty("KernelTime100ns") Long kernelTime100ns,
        @JsonProperty("MemoryCommitBytes") Long memoryCommitBytes,
        @JsonProperty("MemoryWorkingSetPrivateBytes") Long memoryWorkingSetPrivateBytes,
        @JsonProperty("MemoryWorkingSetSharedBytes") Long memoryWorkingSetSharedBytes) {
}
