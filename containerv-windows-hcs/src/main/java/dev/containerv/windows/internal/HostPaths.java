package dev.containerv.windows.internal;

import java.nio.file.Path;

/**
 * Host paths as HCS receives them. On Windows a {@link Path} prints as HCS wants it; the helpers below also
 * accept Windows-form strings on other hosts, so {@code describe} gives the same answer everywhere.
 */
public final class HostPaths {
    private HostPaths() {
    }

    /** The last segment, splitting on both separators. */
    public static String fileName(String path) {
        String p = path;
        while (p.length() > 1 && (p.endsWith("\\") || p.endsWith("/"))) {
            p = p.substring(0, p.length() - 1);
        }
        int cut = Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/'));
        return cut < 0 ? p : p.substring(cut + 1);
    }

    /** Joins a child to a host path with the separator the path already uses. */
    public static String join(String parent, String child) {
        char sep = parent.indexOf('\\') >= 0 || parent.matches("[A-Za-z]:.*") ? '\\' : '/';
        return parent.endsWith(String.valueOf(sep)) ? parent + child : parent + sep + child;
    }

    /** The string HCS gets for a path. */
    public static String of(Path path) {
        return path.toString();
    }
}
