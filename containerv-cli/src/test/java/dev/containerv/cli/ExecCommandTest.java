package dev.containerv.cli;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ExecCommandTest {
    private final CliHarness cli = new CliHarness();

    @Test
    void exec_runsInTheOpenedContainer_andLeavesItRunning() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        cli.runtime.behaviour = spec -> FakeProcess.printing("out\n", "err\n", 3);

        CliHarness.Result r = cli.run("exec", "c1", "--", "/bin/ls", "-l");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
        assertThat(c.spawned).extracting(ProcessSpec::command).containsExactly(java.util.List.of("/bin/ls", "-l"));
        assertThat(c.detached.get()).isEqualTo(1);
        assertThat(c.destroyed.get()).isZero();
    }

    @Test
    void exec_withoutDoubleDash_andWithProcessOptions() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");

        CliHarness.Result r = cli.run("exec", "-e", "K=V", "-w", "/tmp", "-u", "nobody", "c1", "ls", "-l", "-e", "x");

        assertThat(r.code()).as(r.err()).isZero();
        ProcessSpec p = c.spawned.get(0);
        assertThat(p.command()).containsExactly("ls", "-l", "-e", "x");
        assertThat(p.environment()).isEqualTo(Map.of("K", "V"));
        assertThat(p.workingDirectory()).contains("/tmp");
        assertThat(p.user()).contains("nobody");
    }

    @Test
    void exec_pumpsStdin() {
        cli.runtime.add("c1");
        cli.stdin("abc");
        cli.runtime.behaviour = spec -> FakeProcess.cat();

        assertThat(cli.run("exec", "c1", "--", "cat").out()).isEqualTo("abc");
    }

    @Test
    void exec_unknownContainer_exits120() {
        CliHarness.Result r = cli.run("exec", "nosuch", "--", "true");

        assertThat(r.code()).isEqualTo(120);
        assertThat(r.err()).isEqualTo("containerv: fake::Runtime::open: container 'nosuch': no container with id 'nosuch'\n");
    }

    @Test
    void exec_programNotFound_exits127_andDetaches() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        cli.runtime.spawnFailure = new ContainerException(ErrorKind.NOT_FOUND, "program nope not found");

        CliHarness.Result r = cli.run("exec", "c1", "--", "nope");

        assertThat(r.code()).isEqualTo(127);
        assertThat(c.detached.get()).isEqualTo(1);
        assertThat(c.destroyed.get()).isZero();
    }

    @Test
    void exec_onlyDoubleDash_isAUsageError() {
        cli.runtime.add("c1");

        CliHarness.Result r = cli.run("exec", "c1", "--");

        assertThat(r.code()).isEqualTo(2);
    }

    @Test
    void exec_interrupt_endsTheProcess_notTheContainer() throws Exception {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        cli.runtime.behaviour = spec -> FakeProcess.untilDestroyed();
        CompletableFuture<CliHarness.Result> running = CompletableFuture.supplyAsync(() -> cli.run("exec", "c1", "--", "sleep", "100"));
        while (cli.hooks.isEmpty() || c.processes.isEmpty()) {
            Thread.sleep(5);
        }

        cli.hooks.get(0).action.run();

        assertThat(running.get(10, TimeUnit.SECONDS).code()).isEqualTo(143);
        assertThat(c.processes.get(0).wasDestroyed()).isTrue();
        assertThat(c.destroyed.get()).isZero();
        assertThat(cli.hooks.get(0).cancelled).isTrue();
    }

    @Test
    void exec_returnsWhenABackgroundChildHoldsTheOutputOpen() {
        cli.runtime.add("c1");
        cli.runtime.behaviour = spec -> (in, out, err, self) -> {
            self.keepOutputOpen();
            out.write("bg started\n".getBytes());
            return 0;
        };

        long start = System.nanoTime();
        CliHarness.Result r = cli.run("exec", "c1", "--", "sh", "-c", "sleep 100 &");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("bg started\n");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
    }
}
