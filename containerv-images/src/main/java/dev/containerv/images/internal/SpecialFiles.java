package dev.containerv.images.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the JDK cannot do to a file: device nodes and extended attributes outside the {@code user.} namespace
 * (overlayfs whiteouts need both). Done by {@code mknod} and {@code setfattr}, which keeps this module free of
 * native code; both only run for the rare entries that need them.
 */
final class SpecialFiles {
    private SpecialFiles() {
    }

    /** @return true when this process runs as uid 0 (only root may make device nodes or trusted.* xattrs) */
    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid", LinkOption.NOFOLLOW_LINKS)) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static void mknod(Path path, char type, int major, int minor) throws IOException {
        run(List.of("mknod", path.toString(), String.valueOf(type), String.valueOf(major), String.valueOf(minor)),
                "mknod " + type + " " + major + ":" + minor + " " + path);
    }

    static void mkfifo(Path path) throws IOException {
        run(List.of("mknod", path.toString(), "p"), "mknod p " + path);
    }

    static void setXattr(Path path, String name, byte[] value) throws IOException {
        // -h: act on a symlink itself; 0s…: base64, so any bytes survive the command line.
        String encoded = "0s" + java.util.Base64.getEncoder().encodeToString(value);
        // setfattr decodes backslash-octal escapes in the name (\\164 is t): every backslash goes as \\134, so the
        // file gets the name the caller checked, never a trusted.overlay.* spelled \\164rusted.overlay.*.
        String literal = name.replace("\\", "\\134");
        run(List.of("setfattr", "-h", "-n", literal, "-v", encoded, path.toString()), "setfattr " + name + " " + path);
    }

    private static void run(List<String> command, String what) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(what + ": cannot run " + command.get(0) + " (" + e.getMessage() + ")", e);
        }
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + ": " + command.get(0) + " did not finish in 30 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(what + ": " + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(what + ": interrupted", e);
        }
    }
}
