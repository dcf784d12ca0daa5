package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * VSMB share options.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VirtualSmbShareOptions(
        @JsonProperty("ReadOnly") Boolean readOnly,
        @JsonProperty("ShareRead") Boolean shareRead,
        @JsonProperty("CacheIo") Boolean cacheIo,
        @JsonProperty("PseudoOplocks") Boolean pseudoOplocks,
        @JsonProperty("TakeBackupPrivilege") Boolean takeBackupPrivilege) {
}
