package dev.containerv.windows.sim;

import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.internal.CommandLines;
import dev.containerv.windows.schema.MappedDirectory;
import dev.containerv.windows.schema.VirtualSmbShare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated guest: drive {@code C:} of a container is a host directory (its scratch volume), mapped directories
 * map their container paths onto their host paths (through the utility VM's VSMB shares for a hosted container);
 * Windows paths in a process's arguments, working directory and PATH are translated to host paths; programs are
 * host programs, and the cmd.exe built-ins the provider issues ({@code copy}, {@code xcopy}, {@code if exist}) are
 * emulated with {@code cp} and {@code sh}. A {@code cmd.exe /c} line is read by cmd.exe's rules (plain quotes, no
 * backslash escapes), every other CommandLine by the C runtime's.
 */
final class SimulatedGuest {
    private static final Pattern WINDOWS_PATH = Pattern.compile("(?i)(?<![A-Za-z0-9])[A-Z]:\\\\[^\"'\\s;|&<>*]*");
    private static final Pattern CMD_C = Pattern.compile("(?is)\\s*cmd(?:\\.exe)?\\s+/c\\s(.*)");
    private static final String VSMB_PREFIX = "\\\\?\\VMSMB\\VSMB-{dcc079ae-60ba-4d07-847c-3493609c0870}\\";

    private final Function<String, SimSystem> systems;

    /** @param systems the system of an id (a hosted container's utility VM) */
    SimulatedGuest(Function<String, SimSystem> systems) {
        this.systems = systems;
    }

    /** A Windows path of the guest as a host path: mapped directories first, then drive C: (others under {@code drive-X}). */
    Path translate(SimSystem sys, String windowsPath) {
        List<MappedDirectory> mapped = sys.doc.container() != null ? sys.doc.container().mappedDirectories()
                : sys.doc.hostedSystem() != null ? sys.doc.hostedSystem().container().mappedDirectories() : null;
        String lower = windowsPath.toLowerCase(Locale.ROOT);
        if (mapped != null) {
            MappedDirectory best = null;
            for (MappedDirectory m : mapped) {
                String cp = m.containerPath().toLowerCase(Locale.ROOT);
                if ((lower.equals(cp) || lower.startsWith(cp + "\\")) && (best == null || cp.length() > best.containerPath().length())) {
                    best = m;
                }
            }
            if (best != null) {
                String rest = windowsPath.substring(best.containerPath().length());
                return join(hostOf(sys, best.hostPath()), rest);
            }
        }
        String drive = windowsPath.substring(0, 1).toUpperCase(Locale.ROOT);
        Path base = drive.equals("C") ? sys.drive : sys.drive.resolve("drive-" + drive);
        return join(base, windowsPath.substring(2));
    }

    private Path hostOf(SimSystem sys, String hostPath) {
        if (hostPath.startsWith(VSMB_PREFIX)) {
            String share = hostPath.substring(VSMB_PREFIX.length());
            SimSystem uvm = systems.apply(sys.doc.hostingSystemId());
            for (VirtualSmbShare s : uvm.doc.virtualMachine().devices().virtualSmb().shares()) {
                if (s.name().equals(share)) {
                    return Path.of(s.path());
                }
            }
            throw new HcsException("HcsCreateProcess", HResult.fromWin32(HResult.ERROR_PATH_NOT_FOUND), "no VSMB share " + share);
        }
        return Path.of(hostPath);
    }

    private static Path join(Path base, String windowsRest) {
        Path p = base;
        for (String seg : windowsRest.split("\\\\")) {
            if (!seg.isEmpty()) {
                p = p.resolve(seg);
            }
        }
        return p;
    }

    /** Every Windows path in {@code text} translated. */
    String translateAll(SimSystem sys, String text) {
        Matcher m = WINDOWS_PATH.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String path = m.group();
            boolean trailing = path.endsWith("\\") && path.length() > 3;
            String host = translate(sys, path).toString() + (trailing ? "/" : "");
            m.appendReplacement(sb, Matcher.quoteReplacement(host));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** A Windows PATH list as a host PATH. */
    String hostPath(SimSystem sys, String windowsPathList) {
        List<String> entries = new ArrayList<>();
        for (String e : windowsPathList.split(";")) {
            if (!e.isBlank()) {
                entries.add(WINDOWS_PATH.matcher(e).matches() ? translate(sys, e).toString() : e);
            }
        }
        entries.add("/usr/local/bin:/usr/bin:/bin");
        return String.join(":", entries);
    }

    /** The host argv for a CommandLine: a {@code cmd.exe /c} line by cmd.exe's rules, any other by the C runtime's. */
    List<String> guestCommand(SimSystem sys, String commandLine, Map<String, String> cmdVariables) {
        Matcher cmd = CMD_C.matcher(commandLine);
        if (cmd.matches()) {
            // cmd.exe does not split its line by the C runtime rules: /c takes the rest of the line verbatim.
            return cmdBuiltin(sys, cmd.group(1), cmdVariables);
        }
        List<String> argv = CommandLines.split(commandLine);
        if (argv.isEmpty()) {
            throw new HcsException("HcsCreateProcess", HResult.E_INVALIDARG, "empty CommandLine");
        }
        List<String> out = new ArrayList<>();
        for (String a : argv) {
            out.add(translateAll(sys, a));
        }
        return out;
    }

    /**
     * Runs what follows {@code cmd.exe /c} the way cmd.exe reads it. First its rule for a leading quote
     * ({@code cmd /?}, the "old behavior"): the first quote and the last one are removed. Then {@code %NAME%}
     * is expanded wherever it is, quoted or not (a name not defined stays as it is). Then the words: a
     * quote starts or ends a quoted stretch and is dropped, a backslash is an ordinary character, and outside
     * quotes {@code & | < >} would start another command (not emulated: refused like an unknown command).
     * The words must make one of the commands the provider issues: {@code copy}, {@code xcopy}, or
     * {@code if exist "<p>\*" (exit 2) else if exist "<p>" (exit 3) else (exit 1)}; or {@code echo <text>},
     * which the conformance fixture uses for {@code %CD%} and {@code %COMPUTERNAME%}.
     */
    private List<String> cmdBuiltin(SimSystem sys, String line, Map<String, String> variables) {
        String rest = line.strip();
        if (rest.startsWith("\"")) {
            int last = rest.lastIndexOf('"');
            rest = last == 0 ? rest.substring(1) : rest.substring(1, last) + rest.substring(last + 1);
        }
        rest = expand(rest, variables);
        Matcher echo = ECHO.matcher(rest);
        if (echo.matches()) {
            return List.of("/bin/sh", "-c", "printf '%s\\n' \"$1\"", "echo", echo.group(1));
        }
        List<String> words = cmdWords(rest);
        if (words == null || words.isEmpty()) {
            return notRecognized(rest);
        }
        String verb = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.stream().skip(1).filter(a -> !a.startsWith("/")).map(a -> cmdPath(sys, a)).toList();
        switch (verb) {
            case "copy":
                if (args.size() == 2) {
                    return List.of("/bin/cp", "-f", "--", args.get(0), args.get(1));
                }
                break;
            case "xcopy":
                if (args.size() == 2) {
                    return List.of("/bin/sh", "-c", "mkdir -p -- \"$2\" && cp -a -- \"$1\"/. \"$2\"", "xcopy", args.get(0), args.get(1));
                }
                break;
            case "if":
                List<String> shape = List.of("if", "exist", "?", "(exit", "2)", "else", "if", "exist", "?", "(exit", "3)", "else", "(exit", "1)");
                if (words.size() == shape.size()) {
                    boolean fits = true;
                    for (int i = 0; i < shape.size(); i++) {
                        fits &= shape.get(i).equals("?") || shape.get(i).equalsIgnoreCase(words.get(i));
                    }
                    if (fits) {
                        return List.of("/bin/sh", "-c", "if " + existTest(words.get(2), "$1") + "; then exit 2; elif " + existTest(words.get(8), "$2")
                                + "; then exit 3; else exit 1; fi", "if", existPath(sys, words.get(2)), existPath(sys, words.get(8)));
                    }
                }
                break;
            default:
                break;
        }
        return notRecognized(verb);
    }

    private static final Pattern ECHO = Pattern.compile("(?is)echo[ \\t](.*)");
    private static final Pattern CMD_VARIABLE = Pattern.compile("%([^%\\s]+)%");

    private static String expand(String text, Map<String, String> variables) {
        Matcher m = CMD_VARIABLE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static List<String> notRecognized(String what) {
        return List.of("/bin/sh", "-c", "echo \"'$1' is not recognized as an internal or external command (simulated cmd.exe)\" >&2; exit 9009", "cmd", what);
    }

    /** cmd.exe's words: quotes toggle and are dropped, no escapes; {@code null} if a command separator or redirection is unquoted. */
    private static List<String> cmdWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (!quoted && (c == ' ' || c == '\t')) {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else if (!quoted && "&|<>".indexOf(c) >= 0) {
                return null;
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }

    /** A word of a cmd.exe line as a host path: drive paths translated, anything else as it is (a relative name). */
    private String cmdPath(SimSystem sys, String word) {
        return word.matches("[A-Za-z]:\\\\.*") ? translate(sys, word).toString() : word;
    }

    /** {@code if exist "<dir>\*"} tests for a directory; {@code if exist "<p>"} for anything. */
    private static String existTest(String word, String arg) {
        return (word.endsWith("\\*") ? "[ -d \"" : "[ -e \"") + arg + "\" ]";
    }

    private String existPath(SimSystem sys, String word) {
        return cmdPath(sys, word.endsWith("\\*") ? word.substring(0, word.length() - 2) : word);
    }
}
