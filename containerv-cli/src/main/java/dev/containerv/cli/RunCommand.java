package dev.containerv.cli;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code containerv run}: a container for one command, gone when the command ends. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Run one command in a new container, then destroy the container.",
        description = {
            "Creates a container, runs one command in it with the terminal's standard input, output and error attached, "
                    + "destroys the container and exits with the command's exit status.",
            "Ctrl-C (or SIGTERM) destroys the container: its processes are stopped and everything it had is removed.",
            "Without --rootfs the container sees a read-only view of the host's own root with a private writable layer.",
            "--image REF takes the root from an image instead; without COMMAND the image's default command runs (docs/cli.md).",
            "",
            "Example: containerv run --hostname box -- /bin/sh -c 'hostname; ps'"
        })
final class RunCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(RunCommand.class.getName());

    @ParentCommand
    private ContainervCommand root;

    @Mixin
    private ContainerOptions container;

    @Mixin
    private ProcessOptions process;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS",
            description = "When the container is destroyed (the command ended, timed out or Ctrl-C), how long its processes have between "
                    + "SIGTERM and SIGKILL; 0 kills at once. Default: the runtime's (10 s on Linux).")
    private Integer stopTimeout;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The program and its arguments; `--` before it is optional unless the program starts with '-'. "
                    + "With --image: the arguments after the image's Entrypoint, or none for its default command.")
    private List<String> command = List.of();

    @Spec
    private CommandSpec commandSpec;

    @Override
    public Integer call() throws InterruptedException {
        CliContext ctx = root.context();
        // Everything that can be checked is checked before a container exists (and before an image is pulled).
        GraceOption.check(commandSpec, "--stop-timeout", stopTimeout);
        ContainerSpec spec = container.toSpec(ctx, false);
        ProcessSpec processSpec = ImageRun.processSpec(ctx, container, process, ProcessOptions.commandWords(command));
        if (processSpec == null) {
            return ExitCodes.USAGE;
        }
        long started = System.nanoTime();
        Container c = root.runtime().create(spec);
        LOG.log(Level.INFO, "created container {0} in {1} ms", c.id(), (System.nanoTime() - started) / 1_000_000);
        LOG.log(Level.DEBUG, "container {0} runs {1}", c.id(), processSpec);
        ShutdownHooks.Registration hook = ctx.hooks().register("containerv-run-" + c.id(), () -> {
            LOG.log(Level.DEBUG, "stopped from outside: destroying container {0}", c.id());
            GraceOption.destroy(c, stopTimeout);
        });
        Throwable failure = null;
        try {
            ContainerProcess p;
            try {
                p = c.spawn(processSpec);
            } catch (ContainerException e) {
                throw new CommandStartFailure(e);
            }
            Duration killAfter = stopTimeout != null ? Duration.ofSeconds(stopTimeout) : ExecCommand.EXEC_KILL_AFTER;
            int code = Attach.attach(p, process.noStdin ? null : ctx.in(), ctx.out(), ctx.err(), process.timeout, killAfter);
            LOG.log(Level.INFO, "command {0} ended with {1}", processSpec.command(), code);
            return code;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            // As try-with-resources would: a failed destroy after a failed command is attached to the first failure.
            try {
                GraceOption.destroy(c, stopTimeout);
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            } finally {
                hook.cancel();
            }
        }
    }
}
