package dev.containerv.cli;

import dev.containerv.api.ContainerException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** Builds the picocli command line around a {@link CliContext} and turns failures into messages and exit codes. */
final class Cli {
    private Cli() {
    }

    /** Runs one command line and returns the exit code. */
    static int execute(CliContext context, String... args) {
        CommandLine cl = commandLine(context);
        return cl.execute(CommandStart.mark(cl, args));
    }

    /** The command line, ready to execute; exposed for tests that inspect help and parsing. */
    static CommandLine commandLine(CliContext context) {
        ContainervCommand root = new ContainervCommand(context);
        CommandLine cl = new CommandLine(root);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(context.out(), true));
        cl.setErr(new PrintWriter(context.err(), true));
        // `run /bin/sh -c x` and `exec ID -w /src ls -l`: containerv's options end where the command begins
        // (CommandStart marks it with `--` in execute), so the command's own options (-c, -l) are not taken for ours.
        cl.setExecutionStrategy(parseResult -> {
            Logging.configure(root.verbosity(), context.err());
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setParameterExceptionHandler(usageHandler(context));
        cl.setExecutionExceptionHandler(failureHandler(context, root));
        return cl;
    }

    private static IParameterExceptionHandler usageHandler(CliContext context) {
        return (ParameterException e, String[] args) -> {
            context.err().println("containerv: " + Printable.safeLayout(e.getMessage()));
            UnmatchedArgumentException.printSuggestions(e, context.err());
            String name = e.getCommandLine().getCommandName();
            if (e instanceof UnmatchedArgumentException && (name.equals("run") || name.equals("exec"))) {
                context.err().println("containerv: options of " + name + " go before the command" + (name.equals("exec") ? " (before or after the ID)" : "")
                        + "; everything from the command's first word on is the command's. Write -- before a program whose name starts with '-'.");
            }
            context.err().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        };
    }

    private static IExecutionExceptionHandler failureHandler(CliContext context, ContainervCommand root) {
        return (Exception e, CommandLine cl, CommandLine.ParseResult parseResult) -> {
            int code;
            String message;
            if (e instanceof CommandStartFailure f) {
                code = ExitCodes.ofSpawn(f.getCause().kind());
                message = f.getCause().getMessage();
            } else if (e instanceof ContainerException ce) {
                code = ExitCodes.of(ce.kind());
                message = ce.getMessage();
            } else if (e instanceof UncheckedIOException io) {
                code = ExitCodes.PLATFORM_FAILURE;
                message = "I/O error: " + io.getCause().getMessage();
            } else {
                code = ExitCodes.PLATFORM_FAILURE;
                message = "internal error: " + e + (root.verbosity() > 0 ? "" : " (run with --verbose for the stack trace)");
            }
            // Messages echo container text (program names, paths, helper details): printed safe.
            context.err().println("containerv: " + Printable.safeLayout(message));
            if (root.verbosity() > 0) {
                e.printStackTrace(context.err());
            }
            return code;
        };
    }
}
