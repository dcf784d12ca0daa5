package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One event of a {@link ResultError}.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorEvent(
        @JsonProperty("Message") String message,
        @JsonProperty("StackTrace") String stackTrace,
        @JsonProperty("Provider") String provider,
        @JsonProperty("EventId") Integer eventId,
        @JsonProperty("Flags") Integer flags,
        @JsonProperty("Source") String source) {
}
