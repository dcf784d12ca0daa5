package dev.containerv.linux.plan;

/**
 * The running kernel's release ({@code os.version}, the {@code uname -r} text such as {@code 6.18.44-fc-v669}) as far as
 * the plan depends on it: whether an overlay may be {@code volatile} (Linux 5.10).
 *
 * @param major the first number of the release, 0 when it cannot be read
 * @param minor the second number, 0 when it cannot be read
 */
public record KernelRelease(int major, int minor) {
    /** This JVM's kernel. */
    public static final KernelRelease RUNNING = parse(System.getProperty("os.version", ""));

    /** The release of a {@code uname -r} text; a text that does not start with {@code <major>.<minor>} reads as 0.0. */
    public static KernelRelease parse(String release) {
        String[] parts = release.split("[^0-9]", 3);
        try {
            return parts.length >= 2 ? new KernelRelease(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])) : new KernelRelease(0, 0);
        } catch (NumberFormatException e) {
            return new KernelRelease(0, 0);
        }
    }

    /** Whether this release is {@code major.minor} or later. */
    public boolean atLeast(int wantMajor, int wantMinor) {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }

    /** overlayfs takes the {@code volatile} option since Linux 5.10. */
    public boolean hasVolatileOverlay() {
        return atLeast(5, 10);
    }
}
