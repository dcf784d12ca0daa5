package dev.containerv.windows.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The document given to {@code HcsCreateProcess}.
 *
 * <p>HCS schema 2.1 (MicrosoftDocs SchemaReference); absent fields are omitted, unknown ones ignored on read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessParameters(
        @JsonProperty("ApplicationName") String applicationName,
        @JsonProperty("CommandLine") String commandLine,
        @JsonProperty("CommandArgs") List<String> commandArgs,
        @JsonProperty("User") String user,
        @JsonProperty("WorkingDirectory") String workingDirectory,
        @JsonProperty("Environment") Map<String, String> environment,
        @JsonProperty("EmulateConsole") Boolean emulateConsole,
        @JsonProperty("CreateStdInPipe") Boolean createStdInPipe,
        @JsonProperty("CreateStdOutPipe") Boolean createStdOutPipe,
        @JsonProperty("CreateStdErrPipe") Boolean createStdErrPipe,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize) {
}
