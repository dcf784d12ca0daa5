package dev.containerv.cli;

import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 18, item 9: where options may stand, --timeout, the stop grace, and what -v and -vv print. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CommandLineOptionsTest {
    private final CliHarness cli = new CliHarness();

    @AfterEach
    void quietLogging() {
        Logging.configure(0, System.err);
    }

    @Test
    void exec_optionsAfterTheId_beforeDoubleDash_areContainervs() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");

        CliHarness.Result r = cli.run("exec", "c1", "-w", "/src", "-e", "K=V", "--", "./build.sh", "-w", "x");

        assertThat(r.code()).as(r.err()).isZero();
        ProcessSpec p = c.spawned.get(0);
        assertThat(p.command()).containsExactly("./build.sh", "-w", "x");
        assertThat(p.workingDirectory()).contains("/src");
        assertThat(p.environment()).isEqualTo(Map.of("K", "V"));
    }

    @Test
    void exec_optionsAfterTheId_withoutDoubleDash_endAtTheCommandsFirstWord() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");

        CliHarness.Result r = cli.run("exec", "--no-stdin", "c1", "--workdir=/src", "-u", "nobody", "make", "-j2", "-w", "/x");

        assertThat(r.code()).as(r.err()).isZero();
        ProcessSpec p = c.spawned.get(0);
        assertThat(p.command()).containsExactly("make", "-j2", "-w", "/x");
        assertThat(p.workingDirectory()).contains("/src");
        assertThat(p.user()).contains("nobody");
    }

    @Test
    void run_aDoubleDashAfterTheCommandsFirstWord_isTheCommands() {
        cli.run("run", "-w", "/t", "/bin/sh", "-c", "echo $0", "--", "-v");

        ProcessSpec p = cli.runtime.containers.values().iterator().next().spawned.get(0);
        assertThat(p.command()).containsExactly("/bin/sh", "-c", "echo $0", "--", "-v");
        assertThat(p.workingDirectory()).contains("/t");
    }

    @Test
    void anUnknownOptionBeforeTheCommand_saysWhereOptionsGo() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");

        CliHarness.Result r = cli.run("exec", "c1", "-x", "ls");

        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Unknown option: '-x'")
                .contains("options of exec go before the command (before or after the ID)")
                .contains("Write -- before a program whose name starts with '-'");
        assertThat(c.spawned).isEmpty();
    }

    @Test
    void exec_timeout_stopsTheCommand_andExits124() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        cli.runtime.behaviour = spec -> FakeProcess.untilDestroyed();

        long started = System.nanoTime();
        CliHarness.Result r = cli.run("exec", "--timeout", "300ms", "c1", "sleep", "100");

        assertThat(r.code()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(r.err()).contains("containerv: the command did not finish within 300 ms and was stopped (exit 124)");
        assertThat(c.processes.get(0).wasDestroyed()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(c.destroyed.get()).as("exec leaves the container").isZero();
    }

    @Test
    void exec_timeout_notReached_keepsTheCommandsOwnStatus() {
        cli.runtime.add("c1");
        cli.runtime.behaviour = spec -> FakeProcess.printing("done\n", "", 7);

        CliHarness.Result r = cli.run("exec", "c1", "--timeout", "10", "--", "true");

        assertThat(r.code()).isEqualTo(7);
        assertThat(r.out()).isEqualTo("done\n");
    }

    @Test
    void run_timeout_andStopTimeout_destroyWithTheGrace() {
        cli.runtime.behaviour = spec -> FakeProcess.untilDestroyed();

        CliHarness.Result r = cli.run("run", "--timeout", "200ms", "--stop-timeout", "3", "sleep", "100");

        assertThat(r.code()).isEqualTo(ExitCodes.TIMEOUT);
        FakeRuntime.FakeContainer c = cli.runtime.containers.values().iterator().next();
        assertThat(c.graces).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void run_withoutStopTimeout_usesTheRuntimesOwnGrace() {
        cli.run("run", "true");

        FakeRuntime.FakeContainer c = cli.runtime.containers.values().iterator().next();
        assertThat(c.graces).isEmpty();
        assertThat(c.destroyed.get()).isEqualTo(1);
    }

    @Test
    void rm_time_isTheGraceOfEachDestroy() {
        FakeRuntime.FakeContainer a = cli.runtime.add("a");
        FakeRuntime.FakeContainer b = cli.runtime.add("b");

        CliHarness.Result r = cli.run("rm", "--time", "0", "a", "b");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(a.graces).containsExactly(Duration.ZERO);
        assertThat(b.graces).containsExactly(Duration.ZERO);
        assertThat(cli.run("rm", "-t", "-1", "a").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void verbose_printsInfo_andTwiceAddsDebug() {
        CliHarness.Result once = cli.run("run", "-v", "true");
        CliHarness.Result twice = cli.run("run", "-vv", "true");
        CliHarness.Result quiet = cli.run("run", "true");

        assertThat(once.err()).contains("containerv[INFO] dev.containerv.cli.RunCommand: created container")
                .contains("destroyed container").doesNotContain("[DEBUG]");
        assertThat(twice.err()).contains("containerv[INFO]").contains("containerv[DEBUG] dev.containerv.cli.RunCommand: container ");
        assertThat(quiet.err()).isEmpty();
    }

    @Test
    void durations_takeTimeoutsForms() {
        assertThat(Args.duration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Args.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Args.duration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Args.duration("1H")).isEqualTo(Duration.ofHours(1));
        for (String bad : List.of("", "-1", "1.5", "10x", "s")) {
            assertThatThrownBy(() -> Args.duration(bad)).as(bad).hasMessageContaining("is not a duration");
        }
    }
}
