package dev.containerv.testkit;

import dev.containerv.spi.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small root file system for tests on Linux hosts: a static busybox with its applet links (the
 * {@code busybox-static} package), or, failing that, the host's own shell and tools with the shared
 * libraries they need. It has {@code /etc/passwd} with {@code root}, {@code nobody} (65534) and
 * {@code tester} (1000), {@code /etc/group}, {@code /etc/hosts}, a world-writable {@code /tmp} and the
 * marker file {@value #MARKER}.
 *
 * <p>{@link #shared()} builds one per JVM and removes it when the JVM exits. Which kind it builds is chosen
 * with the system property {@value #KIND_PROPERTY} or the environment variable {@value #KIND_ENV}
 * ({@code auto}, the default: busybox where the host has one, else host tools; {@code busybox}; {@code host-tools}),
 * so a build can run its tests on both kinds even where busybox is installed.
 */
public final class TestRootfs {
    /** A file that exists only in test root file systems, so a test can tell it sees one. */
    public static final String MARKER = "/etc/containerv-testkit";
    /** The content of {@link #MARKER}. */
    public static final String MARKER_CONTENT = "containerv-testkit rootfs\n";

    /** System property choosing the kind of {@link #shared()} root: {@code auto}, {@code busybox} or {@code host-tools}. */
    public static final String KIND_PROPERTY = "containerv.testkit.rootfs";
    /** Environment variable with the same meaning as {@value #KIND_PROPERTY}; the property wins. */
    public static final String KIND_ENV = "CONTAINERV_TESTKIT_ROOTFS";

    /** What a test root file system is made of. */
    public enum Kind {
        /** A static busybox and its applet links. */
        BUSYBOX,
        /** The host's own shell and tools, with the shared libraries they need. */
        HOST_TOOLS
    }

    private static final List<String> BUSYBOX_PLACES = List.of("/bin/busybox", "/usr/bin/busybox", "/sbin/busybox");
    private static final List<String> HOST_TOOLS = List.of("sh", "cat", "ls", "env", "id", "hostname", "sleep", "dd", "head", "yes",
            "readlink", "ln", "stat", "date", "pwd", "true", "false", "echo", "printf", "mkdir", "rm", "kill", "ps", "nc", "wc",
            "cp", "chmod");
    private static final Pattern LDD_PATH = Pattern.compile("(/\\S+)");

    private static Path shared;
    private static Kind sharedKind;

    private TestRootfs() {
    }

    /**
     * The root file system shared by this JVM's tests, built on first use.
     *
     * @throws IllegalStateException if neither busybox nor host tools can make one (the message says what to install)
     */
    public static synchronized Path shared() {
        if (shared == null) {
            Kind kind = chosenKind(System.getProperty(KIND_PROPERTY), System.getenv(KIND_ENV));
            try {
                Path dir = Files.createTempDirectory("containerv-rootfs-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "containerv-rootfs-cleanup"));
                shared = build(dir.resolve("rootfs"), kind == Kind.BUSYBOX ? busybox() : Optional.empty());
                sharedKind = kind;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot build a test root file system", e);
            }
        }
        return shared;
    }

    /** The kind of the {@link #shared()} root file system (built on first use). */
    public static synchronized Kind sharedKind() {
        shared();
        return sharedKind;
    }

    /**
     * The kind the setting asks for: {@code property} if set, else {@code env}; {@code auto} or unset means busybox
     * where the host has one, else host tools.
     *
     * @throws IllegalStateException if the value is not one of {@code auto}, {@code busybox}, {@code host-tools}, or
     *                               asks for busybox on a host without one
     */
    static Kind chosenKind(String property, String env) {
        String value = property != null && !property.isBlank() ? property.strip() : env != null ? env.strip() : "";
        String source = property != null && !property.isBlank() ? "-D" + KIND_PROPERTY : KIND_ENV;
        switch (value) {
            case "", "auto":
                return busybox().isPresent() ? Kind.BUSYBOX : Kind.HOST_TOOLS;
            case "busybox":
                if (busybox().isEmpty()) {
                    throw new IllegalStateException(source + "=busybox, but this host has no busybox at any of " + BUSYBOX_PLACES
                            + "; install busybox-static (apt-get install busybox-static) or choose host-tools");
                }
                return Kind.BUSYBOX;
            case "host-tools":
                return Kind.HOST_TOOLS;
            default:
                throw new IllegalStateException(source + ": invalid value '" + value + "'; accepted: auto, busybox, host-tools");
        }
    }

    /** Where a busybox was found on this host, if any. */
    public static Optional<Path> busybox() {
        for (String place : BUSYBOX_PLACES) {
            Path p = Path.of(place);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Builds a root file system in {@code dir} (created; must not exist or be empty). */
    public static Path build(Path dir) throws IOException {
        return build(dir, busybox());
    }

    /**
     * Builds a root file system in {@code dir} from the given busybox (with the shared libraries it needs, if it is
     * not static): for a caller that must know which busybox the tree holds, such as benchmarks comparing tools.
     */
    public static Path build(Path dir, Path busybox) throws IOException {
        return build(dir, java.util.Optional.of(busybox));
    }

    /** Builds from the given busybox, or from host tools when it is empty; for tests of both ways. */
    static Path build(Path dir, Optional<Path> busybox) throws IOException {
        Files.createDirectories(dir);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        if (busybox.isPresent()) {
            Path target = bin.resolve("busybox");
            Files.copy(busybox.get(), target, StandardCopyOption.COPY_ATTRIBUTES);
            copyLibraries(busybox.get(), dir);
            for (String applet : run(busybox.get().toString(), "--list").lines().toList()) {
                if (!applet.isBlank() && !applet.equals("busybox") && !applet.contains("/")) {
                    Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
                }
            }
        } else {
            for (String tool : HOST_TOOLS) {
                Path host = which(tool);
                if (host != null) {
                    Files.copy(host, bin.resolve(tool), StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                    copyLibraries(host, dir);
                }
            }
            if (!Files.exists(bin.resolve("sh"))) {
                throw new IllegalStateException("no busybox and no host /bin/sh to build a test root file system from; "
                        + "install busybox-static (apt-get install busybox-static)");
            }
        }
        Files.createSymbolicLink(dir.resolve("sbin"), Path.of("bin"));
        Files.createDirectories(dir.resolve("usr"));
        Files.createSymbolicLink(dir.resolve("usr/bin"), Path.of("../bin"));
        Files.createSymbolicLink(dir.resolve("usr/sbin"), Path.of("../bin"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                + "tester:x:1000:1000:tester:/home/tester:/bin/sh\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nnogroup:x:65534:\ntester:x:1000:\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n");
        Files.writeString(etc.resolve("hostname"), "testkit\n");
        Files.writeString(dir.resolve(MARKER.substring(1)), MARKER_CONTENT);
        for (String d : List.of("root", "home/tester", "proc", "sys", "dev", "run", "var/tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        run("chmod", "1777", tmp.toString());
        return dir;
    }

    private static void copyLibraries(Path binary, Path root) throws IOException {
        String out;
        try {
            out = run("ldd", binary.toString());
        } catch (IOException e) {
            return; // static binary or no ldd: nothing to copy
        }
        Set<String> libs = new LinkedHashSet<>();
        for (String line : out.lines().toList()) {
            Matcher m = LDD_PATH.matcher(line);
            while (m.find()) {
                libs.add(m.group(1));
            }
        }
        for (String lib : libs) {
            Path source = Path.of(lib);
            if (!Files.isRegularFile(source)) {
                continue;
            }
            Path target = root.resolve(lib.substring(1));
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static Path which(String tool) {
        for (String dir : List.of("/bin", "/usr/bin", "/sbin", "/usr/sbin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                try {
                    return p.toRealPath();
                } catch (IOException e) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }

    /** Removes a tree with {@link FileTrees#deleteTree}, reporting a failure on standard error instead of throwing (cleanup). */
    static void deleteTree(Path dir) {
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException e) {
            System.err.println("containerv-testkit: could not remove " + dir + ": " + e);
        }
    }
}
