package dev.containerv.cli;

import dev.containerv.api.Container;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code containerv create}: a container that stays until {@code containerv rm}. */
@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Create a container that stays until `containerv rm`; print its id.",
        description = {
            "Creates a container that outlives this command and prints its id. Run commands in it with "
                    + "`containerv exec ID -- COMMAND`; remove it with `containerv rm ID`.",
            "",
            "Example: id=$(containerv create --bind \"$PWD\":/src:ro) && containerv exec \"$id\" -- ls /src"
        })
final class CreateCommand implements Callable<Integer> {
    @ParentCommand
    private ContainervCommand root;

    @Mixin
    private ContainerOptions container;

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        Container c = root.runtime().create(container.toSpec(ctx, true));
        ctx.out().println(c.id());
        ContainervCommand.release(c);
        return ExitCodes.OK;
    }
}
