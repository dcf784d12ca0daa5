package dev.containerv.cli;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Layer;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RunCommandTest {
    private final CliHarness cli = new CliHarness();

    @Test
    void run_createsRunsAndDestroys_exitingWithTheCommandsCode() {
        cli.runtime.behaviour = spec -> FakeProcess.printing("hello\n", "warning\n", 42);

        CliHarness.Result r = cli.run("run", "--", "/bin/sh", "-c", "exit 42");

        assertThat(r.code()).isEqualTo(42);
        assertThat(r.out()).isEqualTo("hello\n");
        assertThat(r.err()).isEqualTo("warning\n");
        FakeRuntime.FakeContainer c = only();
        assertThat(c.spawned).extracting(ProcessSpec::command).containsExactly(List.of("/bin/sh", "-c", "exit 42"));
        assertThat(c.destroyed.get()).isEqualTo(1);
        assertThat(c.spec().persistent()).isFalse();
    }

    @Test
    void run_defaultsToTheHostRootAndTheApiDefaults() {
        assertThat(cli.run("run", "true").code()).isZero();

        ContainerSpec spec = only().spec();
        assertThat(spec.rootfs()).isEqualTo(Path.of("/"));
        assertThat(spec.capabilities()).isEqualTo(ContainerSpec.DEFAULT_CAPABILITIES);
        assertThat(spec.layers()).isEmpty();
        assertThat(spec.hostname()).isEqualTo(spec.id());
    }

    @Test
    void run_withoutDoubleDash_theCommandsOwnOptionsStayItsOwn() {
        assertThat(cli.run("run", "--hostname", "box", "/bin/ls", "-l", "--hostname", "x").code()).isZero();

        assertThat(only().spawned.get(0).command()).containsExactly("/bin/ls", "-l", "--hostname", "x");
        assertThat(only().spec().hostname()).isEqualTo("box");
    }

    @Test
    void run_optionsBecomeTheSpec() {
        cli.hostEnv.put("FROM_HOST", "h");
        CliHarness.Result r = cli.run("run", "--id", "build-1", "--rootfs", "images/alpine", "--hostname", "builder",
                "--bind", "src:/src:ro", "--bind", "/var/out:/out", "--tmpfs", "/tmp:64M", "--tmpfs", "/scratch",
                "--cap", "filesystem,process_control", "--cap", "NETWORK",
                "-e", "A=1", "--env", "B=x=y", "--env", "FROM_HOST", "--env", "NOT_ON_HOST",
                "--workdir", "/src", "--user", "1000:1000", "--", "make", "-j2");

        assertThat(r.code()).as(r.err()).isZero();
        ContainerSpec spec = only().spec();
        assertThat(spec.id()).isEqualTo("build-1");
        assertThat(spec.rootfs()).isEqualTo(Path.of("/work/dir/images/alpine"));
        assertThat(spec.hostname()).isEqualTo("builder");
        assertThat(spec.layers()).containsExactly(
                Layer.hostDirectory(Path.of("/work/dir/src"), "/src", Access.READ_ONLY),
                Layer.hostDirectory(Path.of("/var/out"), "/out", Access.READ_WRITE),
                Layer.tmpfs("/tmp", "64M"),
                Layer.tmpfs("/scratch"));
        assertThat(spec.capabilities()).containsExactlyInAnyOrder(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK);
        ProcessSpec p = only().spawned.get(0);
        assertThat(p.command()).containsExactly("make", "-j2");
        assertThat(p.environment()).isEqualTo(Map.of("A", "1", "B", "x=y", "FROM_HOST", "h"));
        assertThat(p.workingDirectory()).contains("/src");
        assertThat(p.user()).contains("1000:1000");
    }

    @Test
    void run_readOnlyMakesARootWithoutAWritableLayer() {
        CliHarness.Result r = cli.run("run", "--read-only", "--tmpfs", "/tmp", "--", "true");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(only().spec().readOnlyRoot()).isTrue();
        assertThat(only().spec().layers()).containsExactly(Layer.tmpfs("/tmp"));
    }

    @Test
    void run_withoutReadOnlyTheRootIsWritable() {
        CliHarness.Result r = cli.run("run", "--", "true");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(only().spec().readOnlyRoot()).isFalse();
    }

    @Test
    void run_pumpsTheTerminalsInputToTheCommand() {
        cli.stdin("line one\nline two\n");
        cli.runtime.behaviour = spec -> FakeProcess.cat();

        CliHarness.Result r = cli.run("run", "--", "/bin/cat");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("line one\nline two\n");
    }

    @Test
    void run_noStdin_givesTheCommandAnEmptyInput() {
        cli.stdin("not for the command\n");
        cli.runtime.behaviour = spec -> FakeProcess.cat();

        CliHarness.Result r = cli.run("run", "--no-stdin", "--", "/bin/cat");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
    }

    @Test
    void run_largeOutputArrivesComplete() {
        String big = "x".repeat(1_000_000) + "\n";
        cli.runtime.behaviour = spec -> FakeProcess.printing(big, big, 0);

        CliHarness.Result r = cli.run("run", "--", "gen");

        assertThat(r.out()).hasSize(big.length());
        assertThat(r.err()).hasSize(big.length());
    }

    @Test
    void run_interrupt_destroysTheContainer_throughTheShutdownHook() throws Exception {
        cli.runtime.behaviour = spec -> FakeProcess.untilDestroyed();
        CompletableFuture<CliHarness.Result> running = CompletableFuture.supplyAsync(() -> cli.run("run", "--", "sleep", "100"));
        while (cli.runtime.containers.isEmpty() || only().processes.isEmpty()) {
            Thread.sleep(5);
        }

        cli.hooks.get(0).action.run(); // what the JVM does on Ctrl-C

        CliHarness.Result r = running.get(10, TimeUnit.SECONDS);
        assertThat(r.code()).isEqualTo(143);
        assertThat(only().processes.get(0).wasDestroyed()).isTrue();
        assertThat(only().destroyed.get()).isGreaterThanOrEqualTo(1);
        assertThat(cli.hooks.get(0).name).isEqualTo("containerv-run-" + only().id());
    }

    @Test
    void run_cancelsItsHookWhenDone() {
        cli.run("run", "true");

        assertThat(cli.hooks).hasSize(1);
        assertThat(cli.hooks.get(0).cancelled).isTrue();
    }

    @Test
    void run_programNotFound_exits127_andStillDestroys() {
        cli.runtime.spawnFailure = ContainerException.builder(ErrorKind.NOT_FOUND, "program /nope not found in container c")
                .operation("fake::Container::spawn").platformCode("errno ENOENT").build();

        CliHarness.Result r = cli.run("run", "--", "/nope");

        assertThat(r.code()).isEqualTo(127);
        assertThat(r.err()).isEqualTo("containerv: fake::Container::spawn: program /nope not found in container c (errno ENOENT)\n");
        assertThat(only().destroyed.get()).isEqualTo(1);
    }

    @Test
    void run_programNotExecutable_exits126() {
        cli.runtime.spawnFailure = new ContainerException(ErrorKind.PERMISSION_DENIED, "program /etc/passwd cannot be executed");

        assertThat(cli.run("run", "--", "/etc/passwd").code()).isEqualTo(126);
    }

    @Test
    void run_containerFailure_exitsWithTheKindsCode_withoutStackTrace() {
        cli.runtime.createFailure = new ContainerException(ErrorKind.PERMISSION_DENIED, "creating a container needs root");

        CliHarness.Result r = cli.run("run", "true");

        assertThat(r.code()).isEqualTo(ExitCodes.PERMISSION_DENIED);
        assertThat(r.err()).isEqualTo("containerv: creating a container needs root\n");
        assertThat(cli.hooks).isEmpty();
    }

    @Test
    void run_verbose_printsTheStackTrace() {
        cli.runtime.createFailure = new ContainerException(ErrorKind.PLATFORM_FAILURE, "mount failed");
        try {
            CliHarness.Result r = cli.run("run", "-v", "true");

            assertThat(r.code()).isEqualTo(125);
            assertThat(r.err()).contains("containerv: mount failed").contains("\tat ").contains("ContainerException");
        } finally {
            Logging.configure(0, System.err);
        }
    }

    @Test
    void run_invalidValue_exits121_beforeAnythingIsCreated() {
        CliHarness.Result r = cli.run("run", "--hostname", "bad_host!", "true");

        assertThat(r.code()).isEqualTo(121);
        assertThat(r.err()).startsWith("containerv: hostname: invalid value 'bad_host!'");
        assertThat(cli.runtime.created).isEmpty();
    }

    @Test
    void run_relativeContainerPath_exits121() {
        CliHarness.Result r = cli.run("run", "--bind", "/a:relative", "true");

        assertThat(r.code()).isEqualTo(121);
        assertThat(r.err()).contains("layer.containerPath").contains("'relative'");
        assertThat(cli.runtime.created).isEmpty();
    }

    @Test
    void run_malformedBind_isAUsageError() {
        CliHarness.Result r = cli.run("run", "--bind", "/only-host", "true");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--bind").contains("expected HOST:CONTAINER").contains("Try 'containerv run --help'");
        assertThat(cli.runtime.created).isEmpty();
    }

    @Test
    void run_unknownCapability_isAUsageError() {
        CliHarness.Result r = cli.run("run", "--cap", "teleport", "true");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--cap").contains("teleport");
    }

    @Test
    void run_withoutCommand_isAUsageError() {
        CliHarness.Result r = cli.run("run", "--hostname", "x");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("COMMAND");
        assertThat(cli.runtime.created).isEmpty();
    }

    @Test
    void run_destroyFailureAfterASuccessfulCommand_isReported() {
        cli.run("create", "--id", "placeholder"); // make sure the runtime works; then arm the failure on the next container
        cli.runtime.behaviour = spec -> {
            cli.runtime.containers.values().forEach(c -> c.destroyFailure = new ContainerException(ErrorKind.PLATFORM_FAILURE, "umount busy"));
            return FakeProcess.printing("", "", 0);
        };

        CliHarness.Result r = cli.run("run", "true");

        assertThat(r.code()).isEqualTo(125);
        assertThat(r.err()).contains("containerv: umount busy");
    }

    private FakeRuntime.FakeContainer only() {
        assertThat(cli.runtime.containers).hasSize(1);
        return cli.runtime.containers.values().iterator().next();
    }
}
