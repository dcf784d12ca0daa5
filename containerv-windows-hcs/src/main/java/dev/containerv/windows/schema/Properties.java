package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The answer of {@code HcsGetComputeSystemProperties} and one element of {@code HcsEnumerateComputeSystems}.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Properties(
        @JsonProperty("Id") String id,
        @JsonProperty("SystemType") String systemType,
        @JsonProperty("RuntimeOsType") String runtimeOsType,
        @JsonProperty("Name") String name,
        @JsonProperty("Owner") String owner,
        @JsonProperty("State") String state,
        @JsonProperty("Stopped") Boolean stopped,
        @JsonProperty("ExitType") String exitType,
        @JsonProperty("Statistics") Statistics statistics,
        @JsonProperty("ProcessList") List<ProcessDetails> processList,
        @JsonProperty("HostingSystemId") String hostingSystemId) {
}
