package dev.containerv.linux.rootless;

import dev.containerv.api.IdMapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why a normal user's container cannot have the spec's uid/gid mappings. Without privileges a user may map only its
 * own uid (rootless mode maps it to 0); ranges need the subordinate ids that {@code /etc/subuid} and
 * {@code /etc/subgid} grant the user, written by the setuid {@code newuidmap}/{@code newgidmap} of the
 * {@code uidmap} package. This names the first thing missing: the tools, or a range of the files that covers a
 * mapping's host ids. Reading only. Stateless.
 */
public final class SubordinateIds {
    /** One {@code name-or-uid:start:count} line. */
    record Range(String owner, long start, long count) {
        boolean covers(long first, long n) {
            return first >= start && first + n <= start + count;
        }
    }

    private SubordinateIds() {
    }

    /**
     * What stops the mappings (empty lists mean none asked for), or empty when the tools are installed and every
     * mapping's host ids lie in one of the user's ranges (or are the user's own id, mapped alone).
     *
     * @param user     the user's name
     * @param uid      the user's uid, {@code gid} its primary gid
     * @param binaries where {@code newuidmap} and {@code newgidmap} are looked for (/usr/bin, /bin)
     */
    public static Optional<String> problem(List<IdMapping> uidMaps, List<IdMapping> gidMaps, String user, long uid, long gid, Path etc,
                                           List<Path> binaries) throws IOException {
        if (uidMaps.isEmpty() && gidMaps.isEmpty()) {
            return Optional.empty();
        }
        for (String tool : List.of("newuidmap", "newgidmap")) {
            if (binaries.stream().noneMatch(d -> Files.isExecutable(d.resolve(tool)))) {
                return Optional.of("uid/gid mappings of a normal user's container need " + tool + " (Debian package uidmap, setuid root by"
                        + " design) to map the subordinate ids of /etc/subuid and /etc/subgid; it is not installed in " + binaries
                        + "; install uidmap, or leave the mappings out (the user is then root of the container alone)");
            }
        }
        Optional<String> u = uncovered("uid", uidMaps, ranges(etc.resolve("subuid")), user, uid, etc.resolve("subuid"));
        return u.isPresent() ? u : uncovered("gid", gidMaps, ranges(etc.resolve("subgid")), user, gid, etc.resolve("subgid"));
    }

    private static Optional<String> uncovered(String kind, List<IdMapping> maps, List<Range> ranges, String user, long own, Path file) {
        for (IdMapping m : maps) {
            if (m.hostStart() == own && m.count() == 1) {
                continue;
            }
            boolean covered = ranges.stream().filter(r -> r.owner().equals(user) || r.owner().equals(Long.toString(own)))
                    .anyMatch(r -> r.covers(m.hostStart(), m.count()));
            if (!covered) {
                return Optional.of("the " + kind + " mapping " + m + " needs host " + kind + "s " + m.hostStart() + "-" + (m.hostStart() + m.count() - 1)
                        + ", and " + file + " grants user " + user + " (" + own + ") no range covering them; ask the administrator for one"
                        + " (usermod --add-sub" + kind + "s " + m.hostStart() + "-" + (m.hostStart() + m.count() - 1) + " " + user + ")");
            }
        }
        return Optional.empty();
    }

    static List<Range> ranges(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Range> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.strip().split(":");
            if (f.length == 3 && !f[0].startsWith("#")) {
                try {
                    out.add(new Range(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])));
                } catch (NumberFormatException e) {
                    // a malformed line grants nothing, as for newuidmap
                }
            }
        }
        return out;
    }
}
