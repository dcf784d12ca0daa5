package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** cmd.exe lines: paths in plain quotes, never the C runtime's {@code \"} escapes or doubled backslashes. */
class CmdLineTest {
    @Test
    void pathsGoInPlainQuotesAsTheyAre() {
        assertThat(new CmdLine().text("copy /Y").path("p", "C:\\my dir\\a.txt").path("p", "C:\\a & b (1)\\").toString())
                .isEqualTo("cmd.exe /c copy /Y \"C:\\my dir\\a.txt\" \"C:\\a & b (1)\\\"");
        assertThat(new CmdLine().text("xcopy").path("p", "C:\\x").path("p", "C:\\y^z").text("/E /I").toString())
                .isEqualTo("cmd.exe /c xcopy \"C:\\x\" \"C:\\y^z\" /E /I");
    }

    @Test
    void ifExistAsksForTheEntriesOfADirectory() {
        String line = new CmdLine().text("if exist").entriesOf("p", "C:\\Program Files (x86)").text("(exit 2) else if exist")
                .path("p", "C:\\Program Files (x86)").text("(exit 3) else (exit 1)").toString();
        assertThat(line).isEqualTo("cmd.exe /c if exist \"C:\\Program Files (x86)\\*\" (exit 2) else if exist \"C:\\Program Files (x86)\" (exit 3) else (exit 1)");
        assertThat(new CmdLine().entriesOf("p", "C:\\").toString()).isEqualTo("cmd.exe /c \"C:\\*\"");
    }

    @Test
    void theCRuntimeRulesWouldHaveEscaped() {
        // What CommandLines.join makes of the same path: right for a C program, wrong for cmd.exe.
        assertThat(CommandLines.join(java.util.List.of("C:\\my dir\\"))).isEqualTo("\"C:\\my dir\\\\\"");
        assertThat(new CmdLine().path("p", "C:\\my dir\\").toString()).isEqualTo("cmd.exe /c \"C:\\my dir\\\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"C:\\100%.txt", "C:\\%PATH%", "C:\\wow!", "C:\\say \"hi\"", "C:\\a*", "C:\\a?", "C:\\a\nb", "C:\\a\rb"})
    void refusesWhatCmdExeWouldInterpretInsideQuotes(String path) {
        char bad = path.chars().filter(c -> "%!\"*?\n\r".indexOf(c) >= 0).mapToObj(c -> (char) c).findFirst().orElseThrow();
        String shown = bad < 0x20 ? String.format("U+%04X", (int) bad) : "'" + bad + "'";
        assertThatThrownBy(() -> new CmdLine().path("containerPath", path))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
                    assertThat(e.getMessage()).contains("containerPath").contains(path).contains("without " + shown);
                });
        assertThatThrownBy(() -> new CmdLine().entriesOf("containerPath", path)).isInstanceOf(ContainerException.class);
    }
}
