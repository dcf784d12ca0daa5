package dev.containerv.cli;

import dev.containerv.api.RuntimeProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code containerv runtimes}: which providers are installed and why each can or cannot work here. */
@Command(name = "runtimes", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "List the installed providers and whether each works here.",
        description = "Lists the installed providers, best first, with whether each can make containers on this host and why.")
final class RuntimesCommand implements Callable<Integer> {
    @ParentCommand
    private ContainervCommand root;

    @Override
    public Integer call() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "PRIORITY", "AVAILABLE", "REASON"});
        for (RuntimeProbe p : root.context().probes().get()) {
            rows.add(new String[] {p.name(), Integer.toString(p.priority()), p.available() ? "yes" : "no", p.reason()});
        }
        Units.printTable(root.context().out(), rows, new boolean[] {false, true, false, false});
        return ExitCodes.OK;
    }
}
