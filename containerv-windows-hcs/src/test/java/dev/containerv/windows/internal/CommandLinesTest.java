package dev.containerv.windows.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The MS C runtime quoting rules, with the cases that break naive quoting. */
class CommandLinesTest {
    @Test
    void quotesOnlyWhatNeedsIt() {
        assertThat(CommandLines.join(List.of("cmd.exe", "/c", "dir"))).isEqualTo("cmd.exe /c dir");
        assertThat(CommandLines.join(List.of("a b", ""))).isEqualTo("\"a b\" \"\"");
        assertThat(CommandLines.join(List.of("C:\\dir\\"))).isEqualTo("C:\\dir\\");
        assertThat(CommandLines.join(List.of("C:\\my dir\\"))).isEqualTo("\"C:\\my dir\\\\\"");
        assertThat(CommandLines.join(List.of("say \"hi\""))).isEqualTo("\"say \\\"hi\\\"\"");
        assertThat(CommandLines.join(List.of("a\\\\\"b"))).isEqualTo("\"a\\\\\\\\\\\"b\"");
    }

    @Test
    void splitInvertsJoin() {
        List<List<String>> cases = List.of(
                List.of("prog", "", "a b", "tab\tx", "q\"uote", "trail\\", "two\\\\", "mix\\\"ed", "\\\\server\\share", "C:\\Program Files\\x\\"),
                List.of("x", "\"", "\\\"", "\\", " "));
        for (List<String> argv : cases) {
            assertThat(CommandLines.split(CommandLines.join(argv))).isEqualTo(argv);
        }
    }

    @Test
    void splitFollowsTheRuntimeOnHandWrittenLines() {
        assertThat(CommandLines.split("a\\\\\\b \"de fg\" h")).containsExactly("a\\\\\\b", "de fg", "h");
        assertThat(CommandLines.split("a\\\\\\\"b c d")).containsExactly("a\\\"b", "c", "d");
        assertThat(CommandLines.split("a\\\\\\\\\"b c\" d e")).containsExactly("a\\\\b c", "d", "e");
        assertThat(CommandLines.split("\"a\"\"b\"")).containsExactly("a\"b");
    }
}
