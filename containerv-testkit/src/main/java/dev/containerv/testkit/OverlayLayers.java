package dev.containerv.testkit;

import java.io.IOException;
import java.nio.file.Path;

/** Host-side construction of overlayfs-form layers; needs root for the device node and the trusted xattr. */
final class OverlayLayers {
    private OverlayLayers() {
    }

    /** A whiteout at {@code path}: a character device 0/0 (with {@code mknod}). */
    static void whiteout(Path path, boolean privilegedRequired) throws IOException, InterruptedException {
        run(privilegedRequired, "mknod", path.toString(), "c", "0", "0");
    }

    /** Marks a directory opaque: {@code trusted.overlay.opaque=y} (with {@code setfattr}). */
    static void opaque(Path dir, boolean privilegedRequired) throws IOException, InterruptedException {
        run(privilegedRequired, "setfattr", "-n", "trusted.overlay.opaque", "-v", "y", dir.toString());
    }

    private static void run(boolean privilegedRequired, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Privileges.skipOrFail(privilegedRequired, "cannot run " + command[0] + " to build an overlayfs layer: " + e.getMessage(), e);
            return;
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            Privileges.skipOrFail(privilegedRequired, String.join(" ", command) + " failed (building an overlayfs layer needs root): " + out, null);
        }
    }
}
