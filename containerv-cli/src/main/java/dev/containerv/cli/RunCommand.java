package dev.containerv.cli;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.lang.System.Logger.Level;
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

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The program and its arguments; `--` before it is optional unless the program starts with '-'. "
                    + "With --image: the arguments after the image's Entrypoint, or none for its default command.")
    private List<String> command = List.of();

    @Override
    public Integer call() throws InterruptedException {
        CliContext ctx = root.context();
        // Everything that can be checked is checked before a container exists.
        ContainerSpec spec = container.toSpec(ctx, false);
        ProcessSpec processSpec = ImageRun.processSpec(ctx, container, process, ProcessOptions.commandWords(command));
        if (processSpec == null) {
            return ExitCodes.USAGE;
        }
        Container c = root.runtime().create(spec);
        LOG.log(Level.DEBUG, "created container {0} for {1}", c.id(), processSpec);
        ShutdownHooks.Registration hook = ctx.hooks().register("containerv-run-" + c.id(), () -> {
            LOG.log(Level.DEBUG, "stopped from outside: destroying container {0}", c.id());
            c.destroy();
        });
        try (c) {
            ContainerProcess p;
            try {
                p = c.spawn(processSpec);
            } catch (ContainerException e) {
                throw new CommandStartFailure(e);
            }
            return Attach.attach(p, process.noStdin ? null : ctx.in(), ctx.out(), ctx.err());
        } finally {
            hook.cancel();
        }
    }
}
