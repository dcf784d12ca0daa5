package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A process status: from {@code HcsWaitForProcessExit}, the ProcessExited event or {@code HcsGetProcessProperties}. {@code ExitCode} is valid only when {@code Exited} and {@code LastWaitResult} is 0.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessStatus(
        @JsonProperty("ProcessId") Integer processId,
        @JsonProperty("Exited") Boolean exited,
        @JsonProperty("ExitCode") Long exitCode,
        @JsonProperty("LastWaitResult") Integer lastWaitResult) {
}
