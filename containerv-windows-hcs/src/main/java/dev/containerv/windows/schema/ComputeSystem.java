package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The document given to {@code HcsCreateComputeSystem}: a container, a hosted container, or a utility VM.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ComputeSystem(
        @JsonProperty("Owner") String owner,
        @JsonProperty("SchemaVersion") Version schemaVersion,
        @JsonProperty("HostingSystemId") String hostingSystemId,
        @JsonProperty("HostedSystem") HostedSystem hostedSystem,
        @JsonProperty("Container") ContainerConfig container,
        @JsonProperty("VirtualMachine") VirtualMachine virtualMachine,
        @JsonProperty("ShouldTerminateOnLastHandleClosed") Boolean shouldTerminateOnLastHandleClosed) {
}
