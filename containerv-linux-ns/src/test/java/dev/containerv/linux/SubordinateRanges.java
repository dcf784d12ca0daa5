package dev.containerv.linux;

import dev.containerv.testkit.ThrowawayUser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The subordinate uid and gid ranges a test gives the rootless suite's throw-away user in {@code /etc/subuid} and
 * {@code /etc/subgid} (root only). {@code useradd} grants a new user a range of its own when the files exist; where
 * it granted none, {@link #grant} adds one above every range of the files ({@code usermod --add-subuids}), and
 * {@link #revoke} removes the user's ranges again ({@code usermod --del-subuids}), whichever made them.
 *
 * @param user the user's name
 * @param uids {@code <start>:<count>} of its uid range
 * @param gids {@code <start>:<count>} of its gid range
 */
record SubordinateRanges(String user, String uids, String gids) {
    /** What a new range spans, as useradd grants it. */
    static final long COUNT = 65536;

    /** The user's first range in each file, granted here where it has none. */
    static SubordinateRanges grant(String user, Path etc) throws IOException {
        String uids = first(user, etc.resolve("subuid"));
        String gids = first(user, etc.resolve("subgid"));
        if (uids == null || gids == null) {
            long start = Math.max(100000, Math.max(end(etc.resolve("subuid")), end(etc.resolve("subgid"))));
            String span = start + "-" + (start + COUNT - 1);
            List<String> command = new ArrayList<>(List.of("usermod"));
            if (uids == null) {
                command.addAll(List.of("--add-subuids", span));
            }
            if (gids == null) {
                command.addAll(List.of("--add-subgids", span));
            }
            command.add(user);
            ThrowawayUser.run(command);
            uids = first(user, etc.resolve("subuid"));
            gids = first(user, etc.resolve("subgid"));
        }
        if (uids == null || gids == null) {
            throw new IOException("usermod gave " + user + " no range in " + etc.resolve("subuid") + " or " + etc.resolve("subgid"));
        }
        return new SubordinateRanges(user, uids, gids);
    }

    /** Removes the user's ranges from both files. */
    void revoke() throws IOException {
        ThrowawayUser.run(List.of("usermod", "--del-subuids", span(uids), "--del-subgids", span(gids), user));
    }

    /** Running processes whose real uid lies in the uid range. */
    List<ProcessHandle> processes() {
        String[] f = uids.split(":");
        long start = Long.parseLong(f[0]);
        long end = start + Long.parseLong(f[1]);
        List<ProcessHandle> found = new ArrayList<>();
        try (var all = ProcessHandle.allProcesses()) {
            all.forEach(h -> {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
                        if (line.startsWith("Uid:")) {
                            long uid = Long.parseLong(line.split("\\s+")[1]);
                            if (uid >= start && uid < end) {
                                found.add(h);
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            });
        }
        return found;
    }

    /** The lines of the user in both files (none once revoked). */
    static List<String> linesOf(String user, Path etc) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String file : List.of("subuid", "subgid")) {
            for (String line : read(etc.resolve(file))) {
                if (line.startsWith(user + ":")) {
                    lines.add(file + ": " + line);
                }
            }
        }
        return lines;
    }

    private static String span(String range) {
        String[] f = range.split(":");
        long start = Long.parseLong(f[0]);
        return start + "-" + (start + Long.parseLong(f[1]) - 1);
    }

    private static String first(String user, Path file) throws IOException {
        for (String line : read(file)) {
            String[] f = line.split(":");
            if (f.length == 3 && f[0].equals(user)) {
                return f[1] + ":" + f[2];
            }
        }
        return null;
    }

    private static long end(Path file) throws IOException {
        long end = 0;
        for (String line : read(file)) {
            String[] f = line.split(":");
            if (f.length == 3) {
                try {
                    end = Math.max(end, Long.parseLong(f[1]) + Long.parseLong(f[2]));
                } catch (NumberFormatException e) {
                    // not a range
                }
            }
        }
        return end;
    }

    private static List<String> read(Path file) throws IOException {
        try {
            return Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
