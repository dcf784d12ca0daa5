package dev.containerv.cli;

import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExitCodesTest {
    @Test
    void everyKindHasItsOwnCode_apartFromUsageAndTheCommandCodes() {
        Map<ErrorKind, Integer> codes = new EnumMap<>(ErrorKind.class);
        for (ErrorKind k : ErrorKind.values()) {
            codes.put(k, ExitCodes.of(k));
        }

        assertThat(codes.values()).doesNotHaveDuplicates()
                .allSatisfy(code -> assertThat(code).isBetween(118, 125))
                .doesNotContain(ExitCodes.USAGE, ExitCodes.CANNOT_EXECUTE, ExitCodes.COMMAND_NOT_FOUND);
        assertThat(codes).containsEntry(ErrorKind.PLATFORM_FAILURE, 125).containsEntry(ErrorKind.TIMEOUT, 124)
                .containsEntry(ErrorKind.NOT_FOUND, 120);
    }

    @Test
    void startingTheCommand_notFoundIs127_cannotRunIs126_restByKind() {
        assertThat(ExitCodes.ofSpawn(ErrorKind.NOT_FOUND)).isEqualTo(127);
        assertThat(ExitCodes.ofSpawn(ErrorKind.PERMISSION_DENIED)).isEqualTo(126);
        assertThat(ExitCodes.ofSpawn(ErrorKind.INVALID_SPEC)).isEqualTo(126);
        assertThat(ExitCodes.ofSpawn(ErrorKind.TIMEOUT)).isEqualTo(124);
        assertThat(ExitCodes.ofSpawn(ErrorKind.PLATFORM_FAILURE)).isEqualTo(125);
        assertThat(ExitCodes.ofSpawn(ErrorKind.RESOURCE_LIMIT)).isEqualTo(118);
    }

    @Test
    void theDocumentedTableMatchesTheCode() throws Exception {
        String doc = Files.readString(Path.of("../docs/cli.md"));

        for (ErrorKind k : ErrorKind.values()) {
            assertThat(doc).as("docs/cli.md row for " + k).contains("| " + ExitCodes.of(k) + " | `" + k + "` |");
        }
        assertThat(doc).contains("| 2 | usage |", "| 126 |", "| 127 |");
    }

    @Test
    void theRootHelpShowsEveryCode() {
        String help = new CliHarness().run("--help").out();

        Arrays.stream(ErrorKind.values()).map(ExitCodes::of)
                .forEach(code -> assertThat(help).contains("  " + code + "  "));
        assertThat(help).contains("126  command cannot be executed").contains("127  command not found");
    }
}
