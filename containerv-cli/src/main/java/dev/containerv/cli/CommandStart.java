package dev.containerv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the command of {@code run} and {@code exec} begins. containerv's options may stand anywhere before the
 * command: before the id of {@code exec} or after it ({@code exec ID -w /src -- make}). The command begins at its
 * first word ({@code run}'s first positional, {@code exec}'s second), and everything from there on is the
 * command's, so {@code run /bin/ls -l} passes {@code -l} to {@code ls}. An explicit {@code --} ends containerv's
 * options wherever it is; without one, this puts a {@code --} where the command begins, so picocli takes
 * options up to there and nothing after.
 */
final class CommandStart {
    /** How many positionals of each such command come before the command's first word. */
    private static final Map<String, Integer> POSITIONALS_BEFORE_COMMAND = Map.of("run", 0, "exec", 1);

    private CommandStart() {
    }

    /** {@code args} with {@code --} inserted where the command of {@code run} or {@code exec} begins, if it has none. */
    static String[] mark(CommandLine root, String[] args) {
        int i = 0;
        CommandLine sub = null;
        while (i < args.length && sub == null) {
            String a = args[i];
            if (a.equals("--")) {
                return args;
            }
            if (a.startsWith("-")) {
                i += 1 + valuesAfter(root.getCommandSpec(), a);
                continue;
            }
            sub = root.getSubcommands().get(a);
            if (sub == null) {
                return args; // picocli reports it
            }
            i++;
        }
        if (sub == null || !POSITIONALS_BEFORE_COMMAND.containsKey(sub.getCommandName())) {
            return args;
        }
        int positionals = POSITIONALS_BEFORE_COMMAND.get(sub.getCommandName());
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return args;
            }
            if (a.startsWith("-") && a.length() > 1) {
                i += valuesAfter(sub.getCommandSpec(), a);
                continue;
            }
            if (positionals-- == 0) {
                List<String> marked = new ArrayList<>(List.of(args).subList(0, i));
                marked.add("--");
                marked.addAll(List.of(args).subList(i, args.length));
                return marked.toArray(String[]::new);
            }
        }
        return args;
    }

    /** How many of the next words an option takes as its value: 0 for a flag, an attached value or an unknown option. */
    private static int valuesAfter(CommandSpec spec, String word) {
        if (word.startsWith("--")) {
            if (word.contains("=")) {
                return 0;
            }
            OptionSpec o = spec.findOption(word);
            return o != null && o.arity().max() > 0 ? 1 : 0;
        }
        OptionSpec o = spec.findOption(word.substring(0, Math.min(2, word.length())));
        // -w/src carries its value; -w takes the next word; -vv and unknown options take none.
        return o != null && o.arity().max() > 0 && word.length() == 2 ? 1 : 0;
    }
}
