package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code GuestOs} object of a container (named apart from the API's {@code GuestOs}): the host name.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record GuestOsConfig(
        @JsonProperty("HostName") String hostName) {
}
