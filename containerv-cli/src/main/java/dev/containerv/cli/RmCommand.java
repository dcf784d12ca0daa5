package dev.containerv.cli;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.lang.System.Logger.Level;
import java.time.Duration;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code containerv rm}: destroys containers. */
@Command(name = "rm", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Destroy containers.",
        description = {
            "Destroys containers: their processes are stopped (TERM, a grace period, KILL) and everything they had is removed. "
                    + "Prints each id removed. A failure on one id is reported and the others are still removed; the exit status "
                    + "is that of the first failure."
        })
final class RmCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(RmCommand.class.getName());

    @ParentCommand
    private ContainervCommand root;

    @Option(names = {"-f", "--force"}, description = "An id with no container is not an error (it is gone already).")
    private boolean force;

    @Option(names = {"-t", "--time"}, paramLabel = "SECONDS",
            description = "How long processes have between SIGTERM and SIGKILL; 0 kills at once. Default: the runtime's (10 s on Linux).")
    private Integer time;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "The containers to destroy.")
    private List<String> ids;

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        ContainerRuntime runtime = root.runtime();
        if (time != null && time < 0) {
            throw new ParameterException(spec.commandLine(), "--time: " + time + " is negative; give 0 or more seconds");
        }
        int status = ExitCodes.OK;
        for (String id : ids) {
            try {
                Container c = runtime.open(id);
                long started = System.nanoTime();
                if (time != null) {
                    c.destroyWithGrace(Duration.ofSeconds(time));
                } else {
                    c.destroy();
                }
                LOG.log(Level.INFO, "destroyed container {0} in {1} ms", id, (System.nanoTime() - started) / 1_000_000);
                ctx.out().println(id);
            } catch (ContainerException e) {
                if (force && e.isNotFound()) {
                    continue;
                }
                ctx.err().println("containerv: " + Printable.safeLayout(e.getMessage()));
                if (status == ExitCodes.OK) {
                    status = ExitCodes.of(e.kind());
                }
            }
        }
        return status;
    }
}
