package dev.containerv.cli;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ProcessSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code containerv exec}: one more command in a running container. */
@Command(name = "exec", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Run a command in a running container.",
        description = {
            "Runs a command in a running container with the terminal's standard input, output and error attached, "
                    + "and exits with its exit status. The container stays.",
            "Ctrl-C (or SIGTERM) ends the command (Process.destroy); the container stays.",
            "Options may stand before or after ID; they end at the command's first word or at --. --timeout stops the command "
                    + "(SIGTERM, SIGKILL 10 s later) and exits with 124.",
            "",
            "Example: containerv exec cv-1a2b3c4d5e6f -w /src -- make -j2"
        })
final class ExecCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(ExecCommand.class.getName());

    /** After a {@code --timeout}'s SIGTERM, how long the command has before SIGKILL. */
    static final Duration EXEC_KILL_AFTER = Duration.ofSeconds(10);

    @ParentCommand
    private ContainervCommand root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ProcessOptions process;

    @Parameters(index = "0", paramLabel = "ID", description = "The container, as `containerv create` or `containerv ls` shows it.")
    private String id;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND",
            description = "The program and its arguments; `--` before it is optional unless the program starts with '-'.")
    private List<String> command;

    @Override
    public Integer call() throws InterruptedException {
        CliContext ctx = root.context();
        List<String> words = ProcessOptions.commandWords(command);
        if (words.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "a command is needed after --");
        }
        ProcessSpec processSpec = process.toSpec(ctx, words);
        Container c = root.runtime().open(id);
        try {
            ContainerProcess p;
            try {
                p = c.spawn(processSpec);
            } catch (ContainerException e) {
                throw new CommandStartFailure(e);
            }
            ShutdownHooks.Registration hook = ctx.hooks().register("containerv-exec-" + id, () -> {
                LOG.log(Level.DEBUG, "stopped from outside: ending {0} in container {1}", processSpec, id);
                p.destroy();
            });
            try {
                long started = System.nanoTime();
                int code = Attach.attach(p, process.noStdin ? null : ctx.in(), ctx.out(), ctx.err(), process.timeout, EXEC_KILL_AFTER);
                LOG.log(Level.INFO, "command {0} in container {1} ended with {2} after {3} ms", processSpec.command(), id, code,
                        (System.nanoTime() - started) / 1_000_000);
                return code;
            } finally {
                hook.cancel();
            }
        } finally {
            ContainervCommand.release(c);
        }
    }
}
