package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The container processor limit: exactly one of Count, Maximum (cycles per 10 000) and Weight (0 to 10 000).
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerProcessor(
        @JsonProperty("Count") Integer count,
        @JsonProperty("Maximum") Integer maximum,
        @JsonProperty("Weight") Integer weight) {
}
