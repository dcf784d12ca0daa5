package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;

/**
 * A {@code cmd.exe /c} command line, built by cmd.exe's own rules and not by the C runtime's of
 * {@link CommandLines}: {@code /c} takes the rest of the line as the command, a double quote only starts or
 * ends a stretch in which spaces and {@code & | < > ( ) ^} are plain text, and a backslash escapes nothing.
 * So the line is the provider's own command text with each path wrapped in plain double quotes, its
 * backslashes (a trailing one too) kept as they are.
 *
 * <p>Quotes do not protect everything: {@code %} expands variables even inside them, {@code !} does when
 * delayed expansion is on, a {@code "} would end the quoting, {@code *} and {@code ?} are wildcards to
 * {@code copy} and {@code if exist}, and a control character can end the line. No Windows file name holds
 * {@code " * ?} or a control character, and {@code %} and {@code !} cannot be passed through safely, so a
 * path with any of these is refused. Not thread-safe.
 */
public final class CmdLine {
    private final StringBuilder line = new StringBuilder("cmd.exe /c");

    /** Appends the provider's own command text (a verb, switches, {@code (exit 2)}) as it is, after a space. */
    public CmdLine text(String text) {
        line.append(' ').append(text);
        return this;
    }

    /**
     * Appends a container path in plain double quotes, after a space.
     *
     * @param field names the path in the refusal, e.g. {@code containerPath}
     * @throws ContainerException {@code INVALID_SPEC} naming the path and the character, if it holds one
     *                            cmd.exe would act on even inside quotes (see the class comment)
     */
    public CmdLine path(String field, String path) {
        line.append(" \"").append(check(field, path)).append('"');
        return this;
    }

    /**
     * Appends {@code "path\*"}, the entries of {@code path}, in plain double quotes: {@code if exist} finds
     * them only when {@code path} is a directory (an empty one too, which has {@code .} and {@code ..}).
     *
     * @throws ContainerException {@code INVALID_SPEC} as {@link #path}
     */
    public CmdLine entriesOf(String field, String path) {
        String checked = check(field, path);
        line.append(" \"").append(checked).append(checked.endsWith("\\") ? "*" : "\\*").append('"');
        return this;
    }

    /**
     * Checks that a path can be put in plain double quotes on a cmd.exe line and mean itself.
     *
     * @return the path
     * @throws ContainerException {@code INVALID_SPEC} naming the path and the first character that cannot
     */
    public static String check(String field, String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            String why = switch (c) {
                case '"' -> "it would end the quoting (and Windows file names cannot contain it)";
                case '%' -> "cmd.exe expands %variables% even inside quotes";
                case '!' -> "cmd.exe expands !variables! inside quotes when delayed expansion is on";
                case '*', '?' -> "it is a wildcard to copy and if exist (and Windows file names cannot contain it)";
                default -> c < 0x20 || c == 0x7F ? "a control character ends or alters the cmd.exe line" : null;
            };
            if (why != null) {
                String shown = c < 0x20 || c == 0x7F ? String.format("U+%04X", (int) c) : "'" + c + "'";
                throw ContainerException.invalidSpec(field, path, "a path without " + shown
                        + ", since files are copied inside the container through cmd.exe: " + why);
            }
        }
        return path;
    }

    /** The whole command line, {@code cmd.exe /c} first. */
    @Override
    public String toString() {
        return line.toString();
    }
}
