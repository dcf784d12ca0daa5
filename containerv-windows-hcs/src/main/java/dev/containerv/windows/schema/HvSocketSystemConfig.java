package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * {@code HvSocketSystemConfig}: who may bind Hyper-V sockets in the VM, and per-service settings.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HvSocketSystemConfig(
        @JsonProperty("DefaultBindSecurityDescriptor") String defaultBindSecurityDescriptor,
        @JsonProperty("ServiceTable") Map<String, Object> serviceTable) {
    /** SYSTEM and Administrators may bind (SDDL), as hcsshim sets it so the host can reach the guest's services. */
    public static final String SYSTEM_AND_ADMINISTRATORS = "D:P(A;;FA;;;SY)(A;;FA;;;BA)";
}
