package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the utility VM boots: UEFI (WCOW) or a Linux kernel directly (LCOW).
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Chipset(
        @JsonProperty("Uefi") Uefi uefi,
        @JsonProperty("LinuxKernelDirect") LinuxKernelDirect linuxKernelDirect) {
}
