package dev.containerv.linux.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How this host's cgroups are mounted, detected at run time from {@code /proc/self/mountinfo} and
 * {@code /proc/self/cgroup}.
 *
 * <ul>
 *   <li>{@link Kind#UNIFIED}: only the v2 hierarchy carries controllers (a {@code name=systemd} v1 hierarchy
 *       without controllers may still be mounted beside it);</li>
 *   <li>{@link Kind#HYBRID}: v1 hierarchies carry controllers and a v2 tree is mounted too (systemd's hybrid
 *       mode, with the v2 tree at {@code /sys/fs/cgroup/unified}; it offers only the controllers no v1
 *       hierarchy took);</li>
 *   <li>{@link Kind#LEGACY}: v1 only;</li>
 *   <li>{@link Kind#NONE}: no cgroup file system is mounted, so no limit can be applied.</li>
 * </ul>
 *
 * <p>Where a hierarchy is mounted twice, the mount of its root ({@code /}) wins, else the first.
 */
public final class CgroupLayout {
    /** The kinds of layout. */
    public enum Kind {
        /** cgroup v2 only. */
        UNIFIED,
        /** v1 controllers plus a v2 tree. */
        HYBRID,
        /** cgroup v1 only. */
        LEGACY,
        /** no cgroup file system mounted. */
        NONE
    }

    /** Super options of a v1 mount that are not controller names. */
    private static final Set<String> V1_OPTIONS = Set.of("rw", "ro", "noprefix", "clone_children", "xattr", "none",
            "cpuset_v2_mode", "favordynmods", "nofavordynmods", "all");

    private final Kind kind;
    private final Optional<CgroupMount> unified;
    private final List<CgroupMount> legacy;
    private final Map<String, String> ownV1;
    private final Optional<String> ownV2;

    private CgroupLayout(Optional<CgroupMount> unified, List<CgroupMount> legacy, Map<String, String> ownV1, Optional<String> ownV2) {
        this.unified = unified;
        this.legacy = List.copyOf(legacy);
        this.ownV1 = Map.copyOf(ownV1);
        this.ownV2 = ownV2;
        boolean v1Controllers = legacy.stream().anyMatch(m -> !m.controllers().isEmpty());
        if (unified.isPresent()) {
            this.kind = v1Controllers ? Kind.HYBRID : Kind.UNIFIED;
        } else {
            this.kind = legacy.isEmpty() ? Kind.NONE : Kind.LEGACY;
        }
    }

    /** The layout of this host, from {@code /proc/self}. */
    public static CgroupLayout host() throws IOException {
        return read(Path.of("/proc/self"));
    }

    /** The layout from {@code mountinfo} and {@code cgroup} in a {@code /proc/self}-like directory. */
    public static CgroupLayout read(Path procSelf) throws IOException {
        String mountinfo = Files.readString(procSelf.resolve("mountinfo"));
        Path cgroup = procSelf.resolve("cgroup");
        return parse(mountinfo, Files.exists(cgroup) ? Files.readString(cgroup) : "");
    }

    /**
     * The layout from the texts of {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}.
     *
     * @throws IllegalArgumentException naming the line, if a cgroup line of either text is malformed
     */
    public static CgroupLayout parse(String mountinfo, String procSelfCgroup) {
        CgroupMount v2 = null;
        Map<String, CgroupMount> v1ByHierarchy = new LinkedHashMap<>();
        for (String line : mountinfo.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            CgroupMount m = mountOf(line);
            if (m == null) {
                continue;
            }
            if (m.unified()) {
                if (v2 == null || (!v2.root().equals("/") && m.root().equals("/"))) {
                    v2 = m;
                }
            } else {
                String key = hierarchyKey(m);
                CgroupMount seen = v1ByHierarchy.get(key);
                if (seen == null || (!seen.root().equals("/") && m.root().equals("/"))) {
                    v1ByHierarchy.put(key, m);
                }
            }
        }
        Map<String, String> ownV1 = new HashMap<>();
        String ownV2 = null;
        for (String line : procSelfCgroup.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(":", 3);
            if (f.length != 3) {
                throw new IllegalArgumentException("/proc/self/cgroup: malformed line '" + line + "'; expected id:controllers:path");
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                ownV2 = f[2];
            } else {
                ownV1.put(f[1], f[2]);
            }
        }
        return new CgroupLayout(Optional.ofNullable(v2), new ArrayList<>(v1ByHierarchy.values()), ownV1, Optional.ofNullable(ownV2));
    }

    private static String hierarchyKey(CgroupMount m) {
        return m.name().map(n -> "name=" + n).orElse(String.join(",", new TreeSet<>(m.controllers())));
    }

    /** A cgroup mount from one mountinfo line, or {@code null} for any other file system. */
    static CgroupMount mountOf(String line) {
        String[] f = line.split(" ");
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (f.length < 7 || dash < 0 || dash + 3 > f.length) {
            throw new IllegalArgumentException("/proc/self/mountinfo: malformed line '" + line + "'");
        }
        String fstype = f[dash + 1];
        if (!fstype.equals("cgroup") && !fstype.equals("cgroup2")) {
            return null;
        }
        Path mountPoint = Path.of(unescape(f[4]));
        String root = unescape(f[3]);
        if (fstype.equals("cgroup2")) {
            return new CgroupMount(2, mountPoint, root, Set.of(), Optional.empty());
        }
        String superOptions = dash + 3 < f.length ? f[dash + 3] : "";
        Set<String> controllers = new HashSet<>();
        String name = null;
        for (String opt : superOptions.split(",")) {
            if (opt.startsWith("name=")) {
                name = opt.substring(5);
            } else if (!opt.isEmpty() && !opt.contains("=") && !V1_OPTIONS.contains(opt)) {
                controllers.add(opt);
            }
        }
        return new CgroupMount(1, mountPoint, root, controllers, Optional.ofNullable(name));
    }

    /** mountinfo escapes space, tab, newline and backslash as octal ({@code \040}). */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the backslash
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** The kind of layout. */
    public Kind kind() {
        return kind;
    }

    /** The unified (v2) mount, if one is mounted. */
    public Optional<CgroupMount> unified() {
        return unified;
    }

    /** The v1 hierarchies, controllers and named ones, in mountinfo order. */
    public List<CgroupMount> legacy() {
        return legacy;
    }

    /** The v1 hierarchy that carries {@code controller} (a v1 name such as {@code memory} or {@code blkio}). */
    public Optional<CgroupMount> v1(String controller) {
        return legacy.stream().filter(m -> m.controllers().contains(controller)).findFirst();
    }

    /** The v1 hierarchy named {@code name=<name>}, such as {@code systemd}. */
    public Optional<CgroupMount> v1Named(String name) {
        return legacy.stream().filter(m -> m.name().equals(Optional.of(name))).findFirst();
    }

    /**
     * This process's own cgroup in a hierarchy, as {@code /proc/self/cgroup} names it (a path inside the
     * hierarchy, such as {@code /system.slice/app.service}).
     */
    public Optional<String> ownCgroup(CgroupMount mount) {
        if (mount.unified()) {
            return ownV2;
        }
        String key = mount.name().map(n -> "name=" + n).orElse(null);
        for (Map.Entry<String, String> e : ownV1.entrySet()) {
            Set<String> listed = Set.of(e.getKey().split(","));
            if (key != null ? listed.contains(key) : listed.containsAll(mount.controllers()) && !mount.controllers().isEmpty()) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /**
     * {@code true} if systemd manages this process's cgroups: a {@code name=systemd} hierarchy is mounted, or
     * the own v2 cgroup is a systemd unit ({@code .service}, {@code .scope}, {@code .slice}). On such hosts a
     * cgroup made beside systemd's is tolerated but not delegated; see the package documentation.
     */
    public boolean systemdManaged() {
        if (v1Named("systemd").isPresent()) {
            return true;
        }
        return ownV2.map(p -> p.endsWith(".service") || p.endsWith(".scope") || p.contains(".slice")).orElse(false);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CgroupLayout[").append(kind);
        unified.ifPresent(m -> sb.append(", ").append(m.describe()));
        legacy.forEach(m -> sb.append(", ").append(m.describe()));
        return sb.append(']').toString();
    }
}
