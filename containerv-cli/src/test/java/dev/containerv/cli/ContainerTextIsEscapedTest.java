package dev.containerv.cli;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Text chosen inside a container reaches the terminal with its control characters escaped (issue 12, item 10). */
class ContainerTextIsEscapedTest {
    private static final String TITLE = "\u001b]0;owned\u0007";
    private final CliHarness cli = new CliHarness();

    @Test
    void printable_escapesControlAndFormattingCharacters_andKeepsTheRest() {
        assertThat(Printable.safe("plain /path-1 ü 漢字 \\x")).isEqualTo("plain /path-1 ü 漢字 \\x");
        assertThat(Printable.safe(TITLE + "sh")).isEqualTo("\\e]0;owned\\x07sh");
        assertThat(Printable.safe("a\nb\rc\td\u007fe\u009bf\u0000")).isEqualTo("a\\nb\\rc\\td\\x7fe\\x9bf\\x00");
        assertThat(Printable.safe("evil\u202egnp.exe\u200b")).isEqualTo("evil\\u202egnp.exe\\u200b");
        assertThat(Printable.safeLayout("line\n\tat x\u001b[2J")).isEqualTo("line\n\tat x\\e[2J");
        assertThat(Printable.safe(null)).isEqualTo("null");
    }

    @Test
    void ps_processNames() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        c.processList = List.of(new ProcessInfo(1, 5001, "containerv-helper", 1024, 0),
                new ProcessInfo(7, 5007, TITLE + "\u001b[2Jsh", 1024, 0));

        CliHarness.Result r = cli.run("ps", "c1");

        assertThat(r.code()).isZero();
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\u0007").contains("\\e]0;owned\\x07\\e[2Jsh");
    }

    @Test
    void exec_errorMessagesThatEchoContainerText() {
        cli.runtime.add("c1");
        cli.runtime.spawnFailure = new ContainerException(ErrorKind.NOT_FOUND, "program /bin/" + TITLE + " not found in container c1");

        CliHarness.Result r = cli.run("exec", "c1", "--", "x");

        assertThat(r.code()).isEqualTo(127);
        assertThat(r.err()).isEqualTo("containerv: program /bin/\\e]0;owned\\x07 not found in container c1\n");
    }

    @Test
    void rm_errors() {
        CliHarness.Result r = cli.run("rm", "no\u001b[8msuch");

        assertThat(r.code()).isEqualTo(120);
        assertThat(r.err()).doesNotContain("\u001b").contains("no\\e[8msuch");
    }

    @Test
    void logLines() {
        java.util.logging.LogRecord rec = new java.util.logging.LogRecord(java.util.logging.Level.FINE, "downloading c1:{0}");
        rec.setParameters(new Object[] {"/tmp/" + TITLE});
        rec.setLoggerName("dev.containerv.cli.CpCommand");
        rec.setThrown(new IllegalStateException("bad \u001b[2J"));

        String line = new Logging.OneLine().format(rec);

        assertThat(line).doesNotContain("\u001b").doesNotContain("\u0007").contains("downloading c1:/tmp/\\e]0;owned\\x07")
                .contains("bad \\e[2J").contains("\n\tat ");
    }
}
