package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * DNS settings of an endpoint.
 *
 * <p>HCN schema 2.0 (MicrosoftDocs hcn reference): keys spell {@code ID} in capitals; absent fields are
 * omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Dns(
        @JsonProperty("Domain") String domain,
        @JsonProperty("Search") List<String> search,
        @JsonProperty("ServerList") List<String> serverList) {
}
