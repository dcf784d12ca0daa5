package dev.containerv.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A user that exists only for one test (root only; see {@link UnprivilegedJvm} for running a JVM as it): made with {@code useradd} (its own group, its home under a directory the test
 * owns) and removed with {@code userdel} when closed. Root only. The rootless suite runs as this user, so what runs
 * there has no privilege the test JVM had.
 */
public final class ThrowawayUser implements AutoCloseable {
    private final String name;
    private final long uid;
    private final long gid;
    private final Path home;

    private ThrowawayUser(String name, long uid, long gid, Path home) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.home = home;
    }

    /**
     * A fresh base directory for {@link #create}: {@code <java.io.tmpdir>/cvrl-<8 hex>}, mode 0755, short so that
     * Unix socket paths below it fit. The caller removes it.
     */
    public static Path createBase() throws IOException {
        Path base = Files.createDirectory(Path.of(System.getProperty("java.io.tmpdir"), "cvrl-" + HexFormat.of().toHexDigits(
                ThreadLocalRandom.current().nextInt())));
        Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return base;
    }

    /** Makes directory {@code dir} (its parent must exist) belonging to this user and its group, mode 0700. */
    public Path ownDirectory(Path dir) throws IOException {
        Files.createDirectory(dir);
        java.nio.file.attribute.UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir, lookup.lookupPrincipalByName(name));
        Files.getFileAttributeView(dir, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(lookup.lookupPrincipalByGroupName(name));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /** Makes a user named {@code cvrl<random>} whose home is {@code <base>/h} (base must exist and be searchable by all). */
    public static ThrowawayUser create(Path base) throws IOException {
        String name = "cvrl" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path home = base.resolve("h");
        run(List.of("useradd", "--create-home", "--home-dir", home.toString(), "--user-group", "--shell", "/bin/sh",
                "--comment", "containerv rootless test", name));
        try {
            long uid = Long.parseLong(run(List.of("id", "-u", name)).strip());
            long gid = Long.parseLong(run(List.of("id", "-g", name)).strip());
            if (uid == 0 || gid == 0) {
                throw new IOException("useradd made " + name + " with uid " + uid + " gid " + gid + "; refusing to run a rootless suite as root");
            }
            return new ThrowawayUser(name, uid, gid, home);
        } catch (IOException | RuntimeException e) {
            try {
                run(List.of("userdel", "--remove", name));
            } catch (IOException inner) {
                e.addSuppressed(inner);
            }
            throw e;
        }
    }

    /** The user's name. */
    public String name() {
        return name;
    }

    /** The user's uid (never 0). */
    public long uid() {
        return uid;
    }

    /** The gid of the user's own group. */
    public long gid() {
        return gid;
    }

    /** The user's home, below the base directory given to {@link #create}. */
    public Path home() {
        return home;
    }

    /** Processes of this user still running (the suite must leave none). */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> left = new ArrayList<>();
        try (var all = ProcessHandle.allProcesses()) {
            all.forEach(h -> {
                try {
                    String status = Files.readString(Path.of("/proc", Long.toString(h.pid()), "status"));
                    for (String line : status.split("\n")) {
                        if (line.startsWith("Uid:") && Long.parseLong(line.split("\\s+")[1]) == uid) {
                            left.add(h);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            });
        }
        return left;
    }

    /**
     * Removes the user, its group and its home, and the performance-data directory its JVMs made in {@code /tmp}
     * ({@code hsperfdata_<name>}, which no option given to the first JVM keeps its children from making).
     */
    @Override
    public void close() throws IOException {
        run(List.of("userdel", "--remove", name));
        Path perf = Path.of("/tmp", "hsperfdata_" + name);
        if (Files.isDirectory(perf, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            dev.containerv.spi.FileTrees.deleteTree(perf);
        }
    }

    /** Runs a short administrative command and returns its output, or throws with it. */
    public static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + command, e);
        }
    }
}
