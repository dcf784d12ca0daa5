package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code Container} object of a compute system (named apart from the API's {@code Container}): a Windows Server container: guest OS, storage, mapped directories, limits and networking.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerConfig(
        @JsonProperty("GuestOs") GuestOsConfig guestOs,
        @JsonProperty("Storage") Storage storage,
        @JsonProperty("MappedDirectories") List<MappedDirectory> mappedDirectories,
        @JsonProperty("Memory") ContainerMemory memory,
        @JsonProperty("Processor") ContainerProcessor processor,
        @JsonProperty("Networking") Networking networking) {
}
