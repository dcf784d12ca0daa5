package dev.containerv.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class HelpTest {
    private final CliHarness cli = new CliHarness();

    @Test
    void rootHelp_listsEveryCommandAndTheGlobalOptions() {
        CliHarness.Result r = cli.run("--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Usage: containerv [-hVv] [--runtime=NAME] COMMAND")
                .contains("--runtime=NAME", "-v, --verbose", "-V, --version")
                .containsPattern("(?m)^  run +Run one command in a new container")
                .containsPattern("(?m)^  create +Create a container")
                .containsPattern("(?m)^  exec +Run a command in a running container")
                .containsPattern("(?m)^  ps +List the processes")
                .containsPattern("(?m)^  stats +Show the resource use")
                .containsPattern("(?m)^  cp +Copy files")
                .containsPattern("(?m)^  rm +Destroy containers")
                .containsPattern("(?m)^  ls +List the ids")
                .containsPattern("(?m)^  runtimes +List the installed providers");
        assertThat(cli.runtimeRequests).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "run      | Usage: containerv run    | Ctrl-C (or SIGTERM) destroys the container",
        "run      | --bind=HOST:CONTAINER     | read-only view of the host's own root",
        "create   | Usage: containerv create | outlives this command and prints its id",
        "exec     | Usage: containerv exec   | ID COMMAND...",
        "ps       | Usage: containerv ps     | HOST PID",
        "stats    | Usage: containerv stats  | --sample=MILLIS",
        "cp       | Usage: containerv cp     | SRC DST",
        "rm       | Usage: containerv rm     | -f, --force",
        "ls       | Usage: containerv ls     | one a line",
        "runtimes | Usage: containerv runtimes | why"
    })
    void everyCommandExplainsItself(String command, String usage, String detail) {
        CliHarness.Result viaOption = cli.run(command, "--help");
        CliHarness.Result viaHelp = cli.run("help", command);

        assertThat(viaOption.code()).isZero();
        assertThat(viaOption.out()).contains(usage.trim()).contains(detail.trim());
        assertThat(viaHelp.out()).isEqualTo(viaOption.out());
        assertThat(cli.runtime.created).isEmpty();
        assertThat(cli.runtimeRequests).isEmpty();
    }

    @Test
    void version_printsTheProjectVersion() {
        CliHarness.Result r = cli.run("--version");

        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("containerv 0.1.0-SNAPSHOT\nJava ");
        assertThat(cli.run("run", "--version").out()).isEqualTo(r.out());
    }

    @Test
    void noCommand_isAUsageError_showingTheUsage() {
        CliHarness.Result r = cli.run();

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("containerv: a command is needed\nUsage: containerv");
    }

    @Test
    void unknownCommand_suggestsTheNearestOne() {
        CliHarness.Result r = cli.run("exce", "c1");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("containerv: Unmatched arguments").contains("exec").contains("Try 'containerv --help'");
    }

    @Test
    void unknownOption_isAUsageError() {
        CliHarness.Result r = cli.run("ls", "--bogus");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--bogus'").contains("Try 'containerv ls --help'");
    }
}
