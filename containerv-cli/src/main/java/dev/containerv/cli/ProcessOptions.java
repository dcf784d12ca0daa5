package dev.containerv.cli;

import dev.containerv.api.ProcessSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The options of {@code run} and {@code exec} that make the {@link ProcessSpec} of the command. */
final class ProcessOptions {
    @Option(names = {"-e", "--env"}, paramLabel = "NAME[=VALUE]", converter = Args.EnvConverter.class,
            description = "Sets a variable in the command's environment (over the defaults PATH, HOME, TERM); NAME alone passes "
                    + "the host's value, or nothing if the host has none. Repeatable.")
    List<Args.Env> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "The command's working directory in the container. Default: /.")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]",
            description = "Who the command runs as: a uid, uid:gid or a name from the container's /etc/passwd. Default: root.")
    String user;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Args.DurationConverter.class,
            description = "Stops the command if it runs longer (SIGTERM, then SIGKILL after the stop grace) and exits with 124, "
                    + "as timeout(1) does. A number of seconds, or with a unit: 500ms, 30s, 5m, 1h. Default: no limit.")
    java.time.Duration timeout;

    @Option(names = "--no-stdin",
            description = "Gives the command an empty standard input instead of the terminal's.")
    boolean noStdin;

    /** The process spec for {@code command}; {@code --env NAME} reads the host's environment. */
    ProcessSpec toSpec(CliContext context, List<String> command) {
        ProcessSpec.Builder b = ProcessSpec.builder(command);
        for (Args.Env e : env) {
            String value = e.value().orElseGet(() -> context.hostEnv().apply(e.name()));
            if (value != null) {
                b.environment(e.name(), value);
            }
        }
        if (workdir != null) {
            b.workingDirectory(workdir);
        }
        if (user != null) {
            b.user(user);
        }
        return b.build();
    }

    /** The command's words, without the {@code --} that may separate them from containerv's options. */
    static List<String> commandWords(List<String> words) {
        return !words.isEmpty() && words.get(0).equals("--") ? words.subList(1, words.size()) : words;
    }
}
