package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The container networking: the HCN namespace its endpoints are attached to.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Networking(
        @JsonProperty("AllowUnqualifiedDnsQuery") Boolean allowUnqualifiedDnsQuery,
        @JsonProperty("DnsSearchList") String dnsSearchList,
        @JsonProperty("Namespace") String namespace) {
}
