package dev.containerv.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code containerv ls}: the containers of the runtime on this host. */
@Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "List the ids of the containers on this host.",
        description = "Lists the ids of the runtime's containers on this host, one a line, sorted.")
final class LsCommand implements Callable<Integer> {
    @ParentCommand
    private ContainervCommand root;

    @Override
    public Integer call() {
        root.runtime().list().stream().sorted().forEach(root.context().out()::println);
        return ExitCodes.OK;
    }
}
