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
 * Whether, and with what, a normal user's container can have the spec's uid/gid mappings. Without privileges a user
 * may map only its own uid (rootless mode maps it to 0); ranges need the subordinate ids that {@code /etc/subuid}
 * and {@code /etc/subgid} grant the user (by name or by uid), written by the setuid {@code newuidmap}/{@code newgidmap}
 * of the {@code uidmap} package. Container id 0 must be the user's own uid and gid: the container's root, its
 * supervisor and its writable layer then act as the user on the host, whose state and layer directories (mode 0700,
 * the user's) a subordinate id could neither write nor be given (a user cannot chown). {@link #problem} names the
 * first thing missing: the tools, container 0 mapped elsewhere, or a range of the files that covers a mapping's host
 * ids. Reading only. Stateless.
 */
public final class SubordinateIds {
    /** Where the subordinate id files are: {@code /etc}. */
    public static final Path ETC = Path.of("/etc");
    /** Where {@code newuidmap} and {@code newgidmap} are looked for, in order. */
    public static final List<Path> BINARIES = List.of(Path.of("/usr/bin"), Path.of("/bin"));

    /** The two setuid tools of the {@code uidmap} package, found. */
    public record Tools(Path newuidmap, Path newgidmap) {
    }

    /** One {@code name-or-uid:start:count} line. */
    record Range(String owner, long start, long count) {
        boolean covers(long first, long n) {
            return first >= start && first + n <= start + count;
        }
    }

    /**
     * What this host grants for mappings, read once (a create reads it once and asks it everything): where
     * {@code newuidmap} and {@code newgidmap} are, and the ranges of {@code /etc/subuid} and {@code /etc/subgid}.
     * A file that cannot be read is kept as its failure, thrown where its ranges are asked for.
     */
    public static final class Grants {
        private final List<Path> binaries;
        private final Optional<Path> newuidmap;
        private final Optional<Path> newgidmap;
        private final FileRanges subuid;
        private final FileRanges subgid;

        private Grants(Path etc, List<Path> binaries) {
            this.binaries = binaries;
            this.newuidmap = find("newuidmap", binaries);
            this.newgidmap = find("newgidmap", binaries);
            this.subuid = FileRanges.read(etc.resolve("subuid"));
            this.subgid = FileRanges.read(etc.resolve("subgid"));
        }

        /** Reads the files in {@code etc} and looks for the tools in {@code binaries}. */
        public static Grants read(Path etc, List<Path> binaries) {
            return new Grants(etc, binaries);
        }

        /** {@link #read} on this host ({@link #ETC}, {@link #BINARIES}). */
        public static Grants here() {
            return read(ETC, BINARIES);
        }

        /** The tools, or empty when one is missing. */
        public Optional<Tools> tools() {
            return newuidmap.isPresent() && newgidmap.isPresent() ? Optional.of(new Tools(newuidmap.get(), newgidmap.get())) : Optional.empty();
        }

        private FileRanges of(String kind) {
            return kind.equals("uid") ? subuid : subgid;
        }
    }

    /** The ranges of one file, or why it could not be read (a missing file grants nothing). */
    private record FileRanges(Path file, List<Range> ranges, IOException failure) {
        static FileRanges read(Path file) {
            try {
                return new FileRanges(file, SubordinateIds.ranges(file), null);
            } catch (IOException e) {
                return new FileRanges(file, List.of(), e);
            }
        }

        List<Range> get() throws IOException {
            if (failure != null) {
                throw failure;
            }
            return ranges;
        }
    }

    private SubordinateIds() {
    }

    /** The tools in the first of {@code binaries} that has each, or empty when one is missing. */
    public static Optional<Tools> tools(List<Path> binaries) {
        Optional<Path> u = find("newuidmap", binaries);
        Optional<Path> g = find("newgidmap", binaries);
        return u.isPresent() && g.isPresent() ? Optional.of(new Tools(u.get(), g.get())) : Optional.empty();
    }

    private static Optional<Path> find(String tool, List<Path> binaries) {
        return binaries.stream().map(d -> d.resolve(tool)).filter(Files::isExecutable).findFirst();
    }

    /**
     * Why this user's containers cannot have mappings at all (USERS is then not offered), or empty when the tools are
     * installed and both files grant the user at least one range, as {@code grants} read them.
     */
    public static Optional<String> unavailable(String user, long uid, Grants grants) throws IOException {
        Optional<String> tool = missingTool(grants);
        if (tool.isPresent()) {
            return tool;
        }
        for (String kind : List.of("uid", "gid")) {
            FileRanges file = grants.of(kind);
            if (file.get().stream().noneMatch(r -> r.owner().equals(user) || r.owner().equals(Long.toString(uid)))) {
                return Optional.of(file.file() + " grants user " + user + " (" + uid + ") no subordinate " + kind + "s, so its containers cannot map"
                        + " ids other than its own (capability USERS); ask the administrator for a range (usermod --add-sub" + kind + "s"
                        + " 100000-165535 " + user + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * {@link #unavailable} for this JVM's user ({@code user.name}, {@code uid}) on this host ({@link #ETC},
     * {@link #BINARIES}), a file that cannot be read counting as a reason too.
     */
    public static Optional<String> unavailableHere(long uid) {
        return unavailableHere(uid, Grants.here());
    }

    /** {@link #unavailableHere(long)} with what {@code grants} read on this host. */
    public static Optional<String> unavailableHere(long uid, Grants grants) {
        try {
            return unavailable(System.getProperty("user.name"), uid, grants);
        } catch (IOException e) {
            return Optional.of("cannot read /etc/subuid or /etc/subgid: " + e);
        }
    }

    private static Optional<String> missingTool(Grants grants) {
        for (String tool : List.of("newuidmap", "newgidmap")) {
            if ((tool.equals("newuidmap") ? grants.newuidmap : grants.newgidmap).isEmpty()) {
                return Optional.of("uid/gid mappings of a normal user's container need " + tool + " (Debian package uidmap, setuid root by"
                        + " design) to map the subordinate ids of /etc/subuid and /etc/subgid; it is not installed in " + grants.binaries
                        + "; install uidmap, or leave the mappings out (the user is then root of the container alone)");
            }
        }
        return Optional.empty();
    }

    /**
     * What stops the mappings (empty lists mean none asked for), or empty when the tools are installed and every
     * mapping's host ids lie in one of the user's ranges (or are the user's own id, mapped alone).
     *
     * @param user     the user's name
     * @param uid      the user's uid, {@code gid} its primary gid
     * @param grants   the user's ranges and the tools, as read on the host ({@link Grants#here})
     */
    public static Optional<String> problem(List<IdMapping> uidMaps, List<IdMapping> gidMaps, String user, long uid, long gid, Grants grants)
            throws IOException {
        if (uidMaps.isEmpty() && gidMaps.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> tool = missingTool(grants);
        if (tool.isPresent()) {
            return tool;
        }
        Optional<String> zero = rootElsewhere("uid", uidMaps, user, uid);
        if (zero.isEmpty()) {
            zero = rootElsewhere("gid", gidMaps, user, gid);
        }
        if (zero.isPresent()) {
            return zero;
        }
        Optional<String> u = uncovered("uid", uidMaps, grants.subuid.get(), user, uid, grants.subuid.file());
        return u.isPresent() ? u : uncovered("gid", gidMaps, grants.subgid.get(), user, gid, grants.subgid.file());
    }

    /** Why container id 0 cannot map where {@code maps} map it: anywhere but the user's own id. */
    private static Optional<String> rootElsewhere(String kind, List<IdMapping> maps, String user, long own) {
        for (IdMapping m : maps) {
            if (m.containerStart() == 0 && m.hostStart() != own) {
                return Optional.of("the " + kind + " mapping " + m + " maps container " + kind + " 0 to host " + kind + " " + m.hostStart()
                        + "; a normal user's container must map its root to the user's own " + kind + " " + own + " (new IdMapping(0, " + own
                        + ", 1)) and may map other container ids to subordinate ranges (new IdMapping(1, <start of a range of user " + user
                        + ">, <count>)): the container's root, supervisor and writable layer act as the user on the host, and a subordinate"
                        + " id could neither write the user's state and layer directories (mode 0700) nor be given them (a normal user"
                        + " cannot chown)");
            }
        }
        return Optional.empty();
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
