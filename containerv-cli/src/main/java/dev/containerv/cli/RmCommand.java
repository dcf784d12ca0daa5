package dev.containerv.cli;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

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
        GraceOption.check(spec, "--time", time);
        int status = ExitCodes.OK;
        for (String id : ids) {
            try {
                Container c = runtime.open(id);
                GraceOption.destroy(c, time);
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
