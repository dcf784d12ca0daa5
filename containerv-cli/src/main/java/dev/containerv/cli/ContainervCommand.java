package dev.containerv.cli;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code containerv}: the root command, holding the global options and the context every subcommand uses. */
@Command(name = "containerv",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "Runs commands in containers made from the JVM, without a container daemon.",
            "",
            "Example: containerv run -- /bin/sh -c 'hostname; ps'   (on Linux, as root or as a normal user)"
        },
        subcommands = {
            RunCommand.class, CreateCommand.class, ExecCommand.class, PsCommand.class, StatsCommand.class,
            CpCommand.class, RmCommand.class, LsCommand.class, RuntimesCommand.class, HelpCommand.class,
            PullCommand.class, ImagesCommand.class, RmiCommand.class, PruneCommand.class
        },
        footerHeading = "%nExit status:%n",
        footer = {
            "  run, exec    the command's own status (128+n after signal n), else:",
            "  0    success                    121  invalid value",
            "  2    bad command line           122  permission denied",
            "  118  resource limit             123  not supported / no runtime here",
            "  119  id exists already          124  timeout",
            "  120  not found                  125  containerv itself failed",
            "  126  command cannot be executed 127  command not found",
            "  Details: docs/cli.md"
        })
final class ContainervCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(ContainervCommand.class.getName());

    private final CliContext context;
    private ContainerRuntime runtime;

    @Spec
    private CommandSpec spec;

    @Option(names = "--runtime", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "The provider to use, such as linux-ns (see `containerv runtimes`). "
                    + "Default: -Dcontainerv.runtime, else $CONTAINERV_RUNTIME, else the best one available here.")
    private String runtimeName;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log what containerv does (INFO) on standard error, with stack traces on failure; -vv adds DEBUG and TRACE.")
    private boolean[] verbose = new boolean[0];

    ContainervCommand(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    int verbosity() {
        return verbose.length;
    }

    /** The runtime chosen by {@code --runtime} or discovery, loaded once. */
    ContainerRuntime runtime() {
        if (runtime == null) {
            runtime = context.runtimes().apply(Optional.ofNullable(runtimeName));
            LOG.log(Level.DEBUG, "using containerv runtime {0}", runtime.name());
        }
        return runtime;
    }

    /** Without a command there is nothing to do: show what there is, as a usage error. */
    @Override
    public Integer call() {
        context.err().println("containerv: a command is needed");
        spec.commandLine().usage(context.err());
        return ExitCodes.USAGE;
    }

    /**
     * Lets go of a container handle this command opened without destroying the container. A provider that cannot
     * detach gets its handle dropped without closing it, since closing would destroy the container.
     */
    static void release(Container container) {
        try {
            container.detach();
        } catch (ContainerException e) {
            if (!e.isNotSupported()) {
                throw e;
            }
            LOG.log(Level.DEBUG, "runtime cannot detach from container {0}; leaving the handle unclosed", container.id());
        }
    }
}
