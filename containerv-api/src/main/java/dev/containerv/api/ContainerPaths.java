package dev.containerv.api;

import dev.containerv.internal.Checks;

import java.util.regex.Pattern;

/**
 * Container paths are strings, not {@link java.nio.file.Path}s: they name places inside the guest, whose
 * form may differ from the host's. Two forms are accepted: POSIX ({@code /src/app}) and drive-absolute
 * Windows ({@code C:\src\app}). Neither may contain {@code .} or {@code ..} segments, so a path can never
 * climb out of the container's root while a provider prepares it.
 */
public final class ContainerPaths {
    private static final Pattern WINDOWS = Pattern.compile("[A-Za-z]:\\\\.*");
    private static final String ACCEPTED =
            "an absolute container path: POSIX '/dir/file' or drive-absolute 'C:\\dir\\file', without '.' or '..' segments";

    private ContainerPaths() {
    }

    /**
     * Checks a container path and returns it normalised (repeated and trailing separators removed).
     *
     * @throws ContainerException {@code INVALID_SPEC} naming {@code field} if the path is not absolute,
     *                            contains NUL, or has {@code .}/{@code ..} segments
     */
    public static String check(String field, String path) {
        Checks.text(field, path);
        GuestOs form = formOf(path);
        if (form == null) {
            throw ContainerException.invalidSpec(field, path, ACCEPTED);
        }
        char sep = form == GuestOs.WINDOWS ? '\\' : '/';
        String body = form == GuestOs.WINDOWS ? path.substring(3) : path.substring(1);
        StringBuilder out = new StringBuilder(form == GuestOs.WINDOWS ? path.substring(0, 2).toUpperCase(java.util.Locale.ROOT) + "\\" : "/");
        boolean first = true;
        for (String segment : body.split(Pattern.quote(String.valueOf(sep)))) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")
                    || (form == GuestOs.WINDOWS && (segment.indexOf('/') >= 0 || segment.contains(":")))) {
                throw ContainerException.invalidSpec(field, path, ACCEPTED);
            }
            if (!first) {
                out.append(sep);
            }
            out.append(segment);
            first = false;
        }
        return out.toString();
    }

    /**
     * Checks a container path and that its form fits the guest.
     *
     * @throws ContainerException {@code INVALID_SPEC} if it is malformed or of the other guest's form
     */
    public static String check(String field, String path, GuestOs guest) {
        String checked = check(field, path);
        if (formOf(checked) != guest) {
            throw ContainerException.invalidSpec(field, path, guest == GuestOs.WINDOWS
                    ? "a drive-absolute Windows path such as C:\\src on a Windows guest (POSIX paths are for Linux guests)"
                    : "a POSIX path such as /src on a Linux guest (drive paths like C:\\src are for Windows guests)");
        }
        return checked;
    }

    /** The guest form of a path, or {@code null} if it is of neither form. */
    public static GuestOs formOf(String path) {
        if (path == null) {
            return null;
        }
        if (path.startsWith("/")) {
            return GuestOs.LINUX;
        }
        if (WINDOWS.matcher(path).matches()) {
            return GuestOs.WINDOWS;
        }
        return null;
    }
}
