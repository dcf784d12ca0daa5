package dev.containerv.windows.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Windows command lines from argument lists and back, by the Microsoft C runtime rules that
 * {@code CommandLineToArgvW} and every MSVC program's startup code apply: an argument is quoted when it is
 * empty or holds whitespace or a quote; inside, a quote becomes {@code \"}, and backslashes are doubled
 * only where they precede a quote (including the closing one). Backslashes elsewhere stay single, so
 * {@code C:\dir\} survives as {@code "C:\dir\\"} only when quoted.
 */
public final class CommandLines {
    private CommandLines() {
    }

    /** The command line for the arguments, {@code argv[0]} first. */
    public static String join(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String arg : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            quote(sb, arg);
        }
        return sb.toString();
    }

    /** Appends one argument, quoted if needed. */
    static void quote(StringBuilder sb, String arg) {
        if (!arg.isEmpty() && arg.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '"')) {
            sb.append(arg);
            return;
        }
        sb.append('"');
        int backslashes = 0;
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '\\') {
                backslashes++;
                continue;
            }
            if (c == '"') {
                sb.append("\\".repeat(2 * backslashes + 1)).append('"');
            } else {
                sb.append("\\".repeat(backslashes)).append(c);
            }
            backslashes = 0;
        }
        sb.append("\\".repeat(2 * backslashes)).append('"');
    }

    /**
     * Splits a command line as the C runtime does (the 2008+ rule: {@code ""} inside quotes is a literal
     * quote). The simulated HCS uses it to run what the provider sends; tests check that it inverts
     * {@link #join}.
     */
    public static List<String> split(String commandLine) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuotes = false;
        boolean inArg = false;
        int i = 0;
        int n = commandLine.length();
        while (i < n) {
            char c = commandLine.charAt(i);
            if (!inQuotes && (c == ' ' || c == '\t')) {
                if (inArg) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inArg = false;
                }
                i++;
                continue;
            }
            inArg = true;
            if (c == '\\') {
                int start = i;
                while (i < n && commandLine.charAt(i) == '\\') {
                    i++;
                }
                int count = i - start;
                if (i < n && commandLine.charAt(i) == '"') {
                    cur.append("\\".repeat(count / 2));
                    if (count % 2 == 1) {
                        cur.append('"');
                        i++;
                    }
                } else {
                    cur.append("\\".repeat(count));
                }
                continue;
            }
            if (c == '"') {
                if (inQuotes && i + 1 < n && commandLine.charAt(i + 1) == '"') {
                    cur.append('"');
                    i += 2;
                    continue;
                }
                inQuotes = !inQuotes;
                i++;
                continue;
            }
            cur.append(c);
            i++;
        }
        if (inArg) {
            out.add(cur.toString());
        }
        return out;
    }
}
