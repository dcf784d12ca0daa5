package dev.containerv.cli;

import dev.containerv.api.Container;
import dev.containerv.api.ProcessInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code containerv ps}: the processes of a container. */
@Command(name = "ps", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "List the processes of a container.",
        description = {
            "Lists the processes running in a container: PID inside the container, HOST PID (- where the platform does not "
                    + "tell), NAME, resident memory MEM and CPU time used so far."
        })
final class PsCommand implements Callable<Integer> {
    @ParentCommand
    private ContainervCommand root;

    @Parameters(paramLabel = "ID", description = "The container.")
    private String id;

    @Override
    public Integer call() {
        Container c = root.runtime().open(id);
        List<ProcessInfo> processes;
        try {
            processes = c.processes();
        } finally {
            ContainervCommand.release(c);
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PID", "HOST PID", "NAME", "MEM", "CPU"});
        for (ProcessInfo p : processes) {
            rows.add(new String[] {
                Long.toString(p.pid()), p.hostPid() > 0 ? Long.toString(p.hostPid()) : "-", Printable.safe(p.name()),
                Units.bytes(p.memoryBytes()), Units.cpuTime(p.cpuTimeNanos())
            });
        }
        Units.printTable(root.context().out(), rows, new boolean[] {true, true, false, true, true});
        return ExitCodes.OK;
    }
}
