package dev.containerv.cli;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code containerv stats}: a container's resource use. */
@Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Show the resource use of a container.",
        description = {
            "Shows a container's resource use: memory now and at peak, CPU time and use, block and network I/O, processes.",
            "CPU use is measured over --sample milliseconds; a value the platform does not report shows as 0."
        })
final class StatsCommand implements Callable<Integer> {
    @ParentCommand
    private ContainervCommand root;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The container.")
    private String id;

    @Option(names = "--sample", paramLabel = "MILLIS", defaultValue = "500",
            description = "How long to measure CPU use over (default: ${DEFAULT-VALUE}); 0 skips it.")
    private long sampleMillis;

    @Override
    public Integer call() throws InterruptedException {
        if (sampleMillis < 0) {
            throw new ParameterException(spec.commandLine(),
                    "--sample: invalid value " + sampleMillis + "; accepted: 0 or more milliseconds");
        }
        Container c = root.runtime().open(id);
        ContainerStats s;
        try {
            s = c.stats();
            if (sampleMillis > 0) {
                // The CPU percentage is over the time since the previous snapshot of this handle.
                Thread.sleep(sampleMillis);
                s = c.stats();
            }
        } finally {
            ContainervCommand.release(c);
        }
        PrintStream out = root.context().out();
        out.println("CONTAINER   " + id);
        out.println("MEMORY      " + Units.bytes(s.memoryUsageBytes()) + " (peak " + Units.bytes(s.memoryPeakBytes()) + ")");
        out.println("CPU         " + Units.cpuTime(s.cpuTimeNanos())
                + (sampleMillis > 0 ? String.format(Locale.ROOT, " (%.1f%% of one CPU over %d ms)", s.cpuPercent(), sampleMillis) : ""));
        out.println("BLOCK I/O   read " + Units.bytes(s.readBytes()) + " in " + s.readOps() + " ops, written "
                + Units.bytes(s.writeBytes()) + " in " + s.writeOps() + " ops");
        out.println("NETWORK     received " + Units.bytes(s.networkRxBytes()) + " in " + s.networkRxPackets() + " packets, sent "
                + Units.bytes(s.networkTxBytes()) + " in " + s.networkTxPackets() + " packets");
        out.println("PROCESSES   " + s.activeProcesses() + " running, " + s.totalProcesses() + " started");
        out.println("AT          " + s.timestamp());
        return ExitCodes.OK;
    }
}
