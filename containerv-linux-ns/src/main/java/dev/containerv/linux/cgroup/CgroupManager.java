package dev.containerv.linux.cgroup;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One cgroup per container, under a parent ({@value #DEFAULT_PARENT} by default) in every hierarchy the
 * container needs, on a given layout and file system: {@link CgroupFiles#HOST} with {@link CgroupLayout#host()}
 * for real, a temp-dir tree in tests.
 *
 * <p>The container's cgroup lives in each v1 hierarchy that carries one of the {@link Controller}s it uses
 * (memory, cpu, cpuacct, pids, blkio, freezer) and in the v2 tree whenever one is mounted, even on a hybrid host
 * where the v2 tree offers none of them: there it gives {@code cgroup.kill}, {@code cgroup.events} and one list
 * of every process. cpuset, devices and named hierarchies are not used.
 *
 * <p>Thread-safe: it holds no mutable state; the kernel serialises the file operations.
 */
public final class CgroupManager {
    /** The parent of every container's cgroup, relative to each hierarchy's mount point. */
    public static final String DEFAULT_PARENT = "containerv";

    /** Controllers enabled in the v2 parent when available, for stats, even if no limit needs them. */
    private static final Set<Controller> FOR_STATS = EnumSet.of(Controller.MEMORY, Controller.CPU, Controller.PIDS, Controller.IO);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final System.Logger LOG = System.getLogger(CgroupManager.class.getName());

    private final CgroupLayout layout;
    private final CgroupFiles files;
    private final Path parent;
    private final LongConsumer killer;
    private final Map<Controller, CgroupMount> located;
    private final Set<String> v2Available;
    /**
     * Where this manager's authority starts in the v2 tree, relative to its mount point: the empty path (the root) for
     * root on the host, a delegated subtree for a normal user. Nothing above it is ever written.
     */
    private final Path base;
    /** {@code true} for a delegated subtree: only the v2 tree is used (v1 hierarchies belong to root). */
    private final boolean delegated;

    /**
     * @param layout the host's layout
     * @param files  the file operations ({@link CgroupFiles#HOST} for real)
     * @param parent the parent cgroup, relative to each hierarchy's mount point ({@value #DEFAULT_PARENT}; on a v2
     *               host managed by systemd, a path inside a delegated subtree)
     * @param killer sends SIGKILL to a host pid ({@link #SIGKILL} for real; tests pass a recorder)
     */
    public CgroupManager(CgroupLayout layout, CgroupFiles files, String parent, LongConsumer killer) {
        this(layout, files, parent, killer, null);
    }

    private CgroupManager(CgroupLayout layout, CgroupFiles files, String parent, LongConsumer killer, String subtree) {
        this.layout = layout;
        this.files = files;
        this.parent = Path.of(parent);
        if (this.parent.isAbsolute() || parent.isEmpty() || Arrays.stream(parent.split("/")).anyMatch(s -> s.equals("..") || s.equals("."))) {
            throw new IllegalArgumentException("cgroup parent must be a relative path without . or .., not '" + parent + "'");
        }
        this.killer = killer;
        this.delegated = subtree != null;
        this.base = delegated ? Path.of(subtree) : Path.of("");
        if (delegated && !this.parent.startsWith(base)) {
            throw new IllegalArgumentException("cgroup parent '" + parent + "' is not inside the delegated subtree '" + subtree + "'");
        }
        // What the subtree's own cgroup.controllers lists: all that can be enabled for its children (the root's, as root).
        this.v2Available = layout.unified().map(m -> words(readOr(m.mountPoint().resolve(base).resolve("cgroup.controllers"), ""))).orElse(Set.of());
        Map<Controller, CgroupMount> loc = new EnumMap<>(Controller.class);
        for (Controller c : Controller.values()) {
            Optional<CgroupMount> v1 = delegated ? Optional.empty() : layout.v1(c.v1Name());
            if (v1.isPresent()) {
                loc.put(c, v1.get());
            } else if (layout.unified().isPresent() && c.v2Name().map(v2Available::contains).orElse(true)) {
                loc.put(c, layout.unified().get());
            }
        }
        this.located = loc;
    }

    /**
     * A normal user's manager in the cgroup v2 subtree delegated to it: container cgroups under
     * {@code <subtree>/}{@value #DEFAULT_PARENT}, only the controllers the subtree's {@code cgroup.controllers} lists,
     * nothing written above the subtree, and no v1 hierarchy (those belong to root, even where they carry the
     * controllers). The caller makes sure no process of its own is in the subtree itself (v2's no-internal-processes
     * rule; see {@code rootless.DelegatedCgroups}).
     *
     * @param subtree the delegated cgroup, relative to the v2 mount point ({@code user.slice/.../app.scope})
     * @throws IllegalArgumentException if the layout has no v2 tree, or {@code subtree} is not a relative path
     */
    public static CgroupManager delegated(CgroupLayout layout, CgroupFiles files, String subtree, LongConsumer killer) {
        if (layout.unified().isEmpty()) {
            throw new IllegalArgumentException("a delegated cgroup subtree needs a cgroup v2 tree, and this layout has none: " + layout);
        }
        return new CgroupManager(layout, files, subtree + "/" + DEFAULT_PARENT, killer, subtree);
    }

    /** The delegated subtree this manager works in (a directory of the v2 tree), or empty for root's whole host. */
    public Optional<Path> delegatedSubtree() {
        return delegated ? Optional.of(layout.unified().orElseThrow().mountPoint().resolve(base)) : Optional.empty();
    }

    /** The real host: its detected layout, the real file system, {@value #DEFAULT_PARENT}, real SIGKILL. */
    public static CgroupManager host() throws IOException {
        return new CgroupManager(CgroupLayout.host(), CgroupFiles.HOST, DEFAULT_PARENT, SIGKILL);
    }

    /** Sends SIGKILL to a host pid; a process that is already gone is not an error. */
    public static final LongConsumer SIGKILL = pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

    /** The layout this manager works on. */
    public CgroupLayout layout() {
        return layout;
    }

    /** The hierarchy that carries {@code controller} on this host, if any. */
    public Optional<CgroupMount> locate(Controller controller) {
        return Optional.ofNullable(located.get(controller));
    }

    /** The hierarchies a container's cgroup is made in: the v1 ones of the located controllers, then the v2 tree. */
    public List<CgroupMount> hierarchies() {
        Set<CgroupMount> out = new LinkedHashSet<>();
        for (CgroupMount m : located.values()) {
            if (!m.unified() && !delegated) {
                out.add(m);
            }
        }
        layout.unified().ifPresent(out::add);
        return List.copyOf(out);
    }

    /** The parent directory in one hierarchy. */
    public Path parentDir(CgroupMount mount) {
        return mount.mountPoint().resolve(parent);
    }

    /**
     * Creates the container's cgroup in every hierarchy and applies {@code limits}. On any failure everything
     * made for this container is removed again before the exception is thrown.
     *
     * @throws ContainerException {@code INVALID_SPEC} for an id that cannot be a directory name;
     *                            {@code NOT_SUPPORTED} for a limit this host cannot apply (naming the setting, the
     *                            controller and the file); {@code ALREADY_EXISTS} if the cgroup is there already;
     *                            {@code PLATFORM_FAILURE} for other failures (naming the file and errno)
     */
    public ContainerCgroup create(String id, CgroupLimits limits) {
        checkId(id);
        if (hierarchies().isEmpty()) {
            LimitPlan.plan(limits, c -> Optional.empty(), this::whyMissing);
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, "cgroups: no cgroup file system is mounted on this host, so a container cgroup cannot be made");
        }
        List<LimitWrite> plan = LimitPlan.plan(limits, c -> locate(c).map(CgroupMount::version), this::whyMissing);
        Set<Controller> requiredV2 = EnumSet.noneOf(Controller.class);
        plan.stream().filter(w -> w.version() == 2).forEach(w -> requiredV2.add(w.controller()));
        Map<CgroupMount, Path> made = new LinkedHashMap<>();
        try {
            for (CgroupMount m : hierarchies()) {
                Path parentDir = ensureParent(m, requiredV2);
                Path dir = parentDir.resolve(id);
                try {
                    files.mkdir(dir);
                } catch (FileAlreadyExistsException e) {
                    throw new ContainerException(ErrorKind.ALREADY_EXISTS, "cgroup of container '" + id + "' exists already: " + dir
                            + " (a leftover of a container that died; the stale-state cleanup removes it)");
                } catch (IOException e) {
                    throw failure(e, "cannot create the cgroup " + dir + " (" + m.describe() + ")", null, m, dir, false);
                }
                made.put(m, dir);
            }
            ContainerCgroup cg = new ContainerCgroup(this, id, made);
            for (LimitWrite w : plan) {
                apply(cg, w);
            }
            return cg;
        } catch (RuntimeException e) {
            ContainerCgroup partial = new ContainerCgroup(this, id, made);
            try {
                partial.remove();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The cgroup of a container by id: its directories whether they exist or not (for stats, kill, removal). */
    public ContainerCgroup cgroup(String id) {
        checkId(id);
        Map<CgroupMount, Path> dirs = new LinkedHashMap<>();
        for (CgroupMount m : hierarchies()) {
            dirs.put(m, parentDir(m).resolve(id));
        }
        return new ContainerCgroup(this, id, dirs);
    }

    /** The ids that have a cgroup under the parent in any hierarchy. */
    public Set<String> existingIds() {
        Set<String> ids = new TreeSet<>();
        for (CgroupMount m : hierarchies()) {
            try {
                for (Path p : files.children(parentDir(m))) {
                    ids.add(p.getFileName().toString());
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot list " + parentDir(m) + ": " + e);
            }
        }
        return ids;
    }

    /** The ids with a cgroup but no live container, as {@code live} judges them: leftovers of dead containers. */
    public List<String> leftovers(Predicate<String> live) {
        return existingIds().stream().filter(live.negate()).toList();
    }

    /**
     * Removes a dead container's leftover cgroup: kills what still runs in it (a container without its own pid
     * namespace can outlive its init), waits for it to empty, removes the directories.
     */
    public void removeLeftover(String id, java.time.Duration timeout) {
        ContainerCgroup cg = cgroup(id);
        cg.killAll(timeout);
        cg.remove();
    }

    // ------------------------------------------------------------------ internals

    CgroupFiles files() {
        return files;
    }

    LongConsumer killer() {
        return killer;
    }

    private static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ContainerException.invalidSpec("id", id, "1 to 128 of A-Z a-z 0-9 _ . -, starting with a letter or digit (a cgroup directory name)");
        }
    }

    /**
     * Makes the parent directories; on v2, enables the controllers on the way down from the base (the root, or the
     * delegated subtree). Returns the parent.
     */
    private Path ensureParent(CgroupMount m, Set<Controller> requiredV2) {
        Path dir = m.unified() ? m.mountPoint().resolve(base) : m.mountPoint();
        Path below = m.unified() ? base.relativize(parent) : parent;
        if (m.unified()) {
            enable(dir, requiredV2);
        }
        for (Path part : below) {
            dir = dir.resolve(part.toString());
            if (!files.exists(dir)) {
                try {
                    files.mkdir(dir);
                } catch (FileAlreadyExistsException e) {
                    // made by a concurrent create: fine
                } catch (IOException e) {
                    throw failure(e, "cannot create the cgroup parent " + dir + " (" + m.describe() + ")", null, m, dir, !requiredV2.isEmpty());
                }
            }
            if (m.unified()) {
                enable(dir, requiredV2);
            }
        }
        return dir;
    }

    /**
     * Enables controllers in a v2 directory's {@code cgroup.subtree_control}: the limits' controllers (a failure
     * is {@code NOT_SUPPORTED}) and the stats' controllers where available (a failure is logged).
     */
    private void enable(Path dir, Set<Controller> required) {
        Path control = dir.resolve("cgroup.subtree_control");
        Set<String> enabled = words(readOr(control, ""));
        Set<Controller> wanted = EnumSet.noneOf(Controller.class);
        wanted.addAll(required);
        for (Controller c : FOR_STATS) {
            if (c.v2Name().isPresent() && v2Available.contains(c.v2Name().get()) && located.get(c) != null && located.get(c).unified()) {
                wanted.add(c);
            }
        }
        for (Controller c : wanted) {
            String name = c.v2Name().orElse(null);
            if (name == null || enabled.contains(name)) {
                continue;
            }
            try {
                files.write(control, "+" + name);
            } catch (IOException e) {
                if (required.contains(c)) {
                    String hint = Errno.isBusy(e) ? "; a v2 cgroup with processes of its own (here " + pidsOf(readOr(dir.resolve("cgroup.procs"), ""))
                            + ") cannot enable controllers for children (the no-internal-processes rule): move them into a leaf cgroup first" : "";
                    throw new ContainerException(ErrorKind.NOT_SUPPORTED, "cgroups: cannot enable the " + name + " controller in " + control
                            + " (" + Optional.ofNullable(Errno.of(e)).orElse(e.toString()) + ")" + hint
                            + "; without it the container's limits on " + name + " cannot be written; see the delegation notes in docs/linux-provider.md", e);
                }
                LOG.log(System.Logger.Level.DEBUG, "not enabling " + name + " in " + control + " (stats only): " + e);
            }
        }
    }

    private void apply(ContainerCgroup cg, LimitWrite w) {
        CgroupMount m = located.get(w.controller());
        Path dir = cg.directory(m);
        for (LimitWrite.Choice choice : w.choices()) {
            Path file = dir.resolve(choice.file());
            if (!files.exists(file)) {
                continue;
            }
            try {
                files.write(file, choice.value());
            } catch (IOException e) {
                throw failure(e, w.setting() + ": cannot write '" + choice.value() + "' to " + file, w.controller(), m, file, true);
            }
            return;
        }
        if (w.required()) {
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, w.setting() + ": the " + w.controller().nameIn(w.version())
                    + " controller of this host has no " + w.files() + " in " + dir + " (" + m.describe() + "), so this limit cannot be applied");
        }
        LOG.log(System.Logger.Level.DEBUG, "no " + w.files() + " in " + dir + ": this host does not account swap, memory is limited without it");
    }

    /** A failure on a cgroup file: denied → NOT_SUPPORTED (no delegation), else PLATFORM_FAILURE. */
    private static ContainerException failure(IOException e, String what, Controller c, CgroupMount m, Path path, boolean limit) {
        String errno = Errno.of(e);
        boolean denied = Errno.isDenied(e);
        String message = what + (denied ? ": the " + m.describe() + " is not writable here (not delegated to this process, or mounted read-only)"
                + (limit && c != null ? ", so the " + c.nameIn(m.version()) + " limit cannot be applied" : "") : "");
        return ContainerException.builder(denied ? ErrorKind.NOT_SUPPORTED : ErrorKind.PLATFORM_FAILURE, message)
                .operation("linux::cgroup")
                .platformCode(errno == null ? e.toString() : errno + " on " + path)
                .cause(e)
                .build();
    }

    private String whyMissing(Controller c, String v2File, String v1File) {
        if (delegated) {
            Path subtree = delegatedSubtree().orElseThrow();
            String name = c.v2Name().orElse(c.v1Name());
            String v1 = layout.v1(c.v1Name()).map(m -> "; this host has it in a cgroup v1 hierarchy (" + m.mountPoint()
                    + "), which belongs to root and cannot be delegated to a normal user (a pure cgroup v2 host can: boot with"
                    + " systemd.unified_cgroup_hierarchy=1)").orElse("; whoever delegated the subtree must pass " + name
                    + " down to it (systemd: Delegate=yes, or Delegate=" + name + ", on this unit and on user@.service)");
            return "the " + name + " controller is not offered by this process's delegated cgroup v2 subtree " + subtree
                    + " (its cgroup.controllers lists only [" + String.join(" ", new TreeSet<>(v2Available)) + "])" + v1 + ", so " + v2File
                    + " cannot be written";
        }
        String file;
        String where;
        if (layout.kind() == CgroupLayout.Kind.UNIFIED) {
            file = v2File;
            where = "the v2 tree " + layout.unified().get().mountPoint() + " offers only [" + String.join(" ", new TreeSet<>(v2Available)) + "] in cgroup.controllers";
        } else if (layout.kind() == CgroupLayout.Kind.HYBRID) {
            file = v1File + " (v1) or " + v2File + " (v2)";
            where = "no v1 hierarchy carries " + c.v1Name() + " and the v2 tree " + layout.unified().get().mountPoint()
                    + " offers only [" + String.join(" ", new TreeSet<>(v2Available)) + "]";
        } else if (layout.kind() == CgroupLayout.Kind.LEGACY) {
            file = v1File;
            where = "no mounted v1 hierarchy carries " + c.v1Name();
        } else {
            file = v2File + " / " + v1File;
            where = "no cgroup file system is mounted";
        }
        return "the " + c.v1Name() + (c.v2Name().isPresent() && !c.v2Name().get().equals(c.v1Name()) ? "/" + c.v2Name().get() : "")
                + " controller is not available on this host (" + where + "), so " + file + " cannot be written";
    }

    private String readOr(Path file, String fallback) {
        try {
            return files.read(file);
        } catch (IOException e) {
            return fallback;
        }
    }

    static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        for (String w : text.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    static List<Long> pidsOf(String text) {
        List<Long> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String t = line.trim();
            if (!t.isEmpty()) {
                out.add(CgroupValues.number("cgroup.procs", t));
            }
        }
        return out;
    }
}
