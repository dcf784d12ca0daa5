package dev.containerv.linux;

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
 * A user that exists only for one test: made with {@code useradd} (its own group, its home under a directory the test
 * owns) and removed with {@code userdel} when closed. Root only. The rootless suite runs as this user, so what runs
 * there has no privilege the test JVM had.
 */
final class ThrowawayUser implements AutoCloseable {
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

    /** Makes a user named {@code cvrl<random>} whose home is {@code <base>/h} (base must exist and be searchable by all). */
    static ThrowawayUser create(Path base) throws IOException {
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

    String name() {
        return name;
    }

    long uid() {
        return uid;
    }

    long gid() {
        return gid;
    }

    Path home() {
        return home;
    }

    /** Processes of this user still running (the suite must leave none). */
    List<ProcessHandle> processes() {
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

    /** Removes the user, its group and its home. */
    @Override
    public void close() throws IOException {
        run(List.of("userdel", "--remove", name));
    }

    /** Runs a short administrative command and returns its output, or throws with it. */
    static String run(List<String> command) throws IOException {
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
