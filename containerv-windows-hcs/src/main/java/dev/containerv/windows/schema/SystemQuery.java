package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The filter given to {@code HcsEnumerateComputeSystems}.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SystemQuery(
        @JsonProperty("Ids") List<String> ids,
        @JsonProperty("Names") List<String> names,
        @JsonProperty("Types") List<String> types,
        @JsonProperty("Owners") List<String> owners) {
}
