package dev.containerv.linux.cgroup;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One container's cgroup: a directory in each hierarchy the {@link CgroupManager} uses. Gives the files the
 * helper joins, the member processes, kill-all, wait-until-empty, removal and stats.
 */
public final class ContainerCgroup {
    private final CgroupManager manager;
    private final String id;
    private final Map<CgroupMount, Path> dirs;

    ContainerCgroup(CgroupManager manager, String id, Map<CgroupMount, Path> dirs) {
        this.manager = manager;
        this.id = id;
        this.dirs = new LinkedHashMap<>(dirs);
    }

    /** The container id. */
    public String id() {
        return id;
    }

    /** The cgroup's directories, one per hierarchy: v1 ones first, then the v2 one. */
    public List<Path> directories() {
        return List.copyOf(dirs.values());
    }

    /** The cgroup's directory in each hierarchy it has one in, v1 ones first, then the v2 one. */
    public Map<CgroupMount, Path> directoriesByHierarchy() {
        return java.util.Collections.unmodifiableMap(dirs);
    }

    /** The directory in one hierarchy. */
    Path directory(CgroupMount mount) {
        Path p = dirs.get(mount);
        if (p == null) {
            throw new IllegalStateException("container '" + id + "' has no cgroup in " + mount.describe());
        }
        return p;
    }

    /** The directory that holds a controller's files, if this host offers it. */
    public Optional<Path> directory(Controller controller) {
        return manager.locate(controller).map(dirs::get);
    }

    /**
     * The {@code cgroup.procs} files a process writes its pid into (or {@code 0}, for itself) to join this
     * cgroup, one per hierarchy. The launch plan gives these to the helper's init, which joins before it forks.
     */
    public List<Path> procsFiles() {
        return dirs.values().stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** Moves a process into this cgroup in every hierarchy (the helper does this for the init; tests use it). */
    public void join(long pid) {
        for (Path procs : procsFiles()) {
            try {
                manager.files().write(procs, Long.toString(pid));
            } catch (IOException e) {
                throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot move pid " + pid + " into " + procs)
                        .operation("linux::cgroup::join").containerId(id).platformCode(Errno.of(e)).cause(e).build();
            }
        }
    }

    /**
     * The host pids of every process in the cgroup and its sub-cgroups, in any of its hierarchies (the v2 one first;
     * a process that joined only some hierarchies is listed too). Empty if the cgroup is gone.
     */
    public List<Long> pids() {
        Set<Long> out = new LinkedHashSet<>();
        collectPids(primary(), out);
        for (Path dir : dirs.values()) {
            collectPids(dir, out);
        }
        return List.copyOf(out);
    }

    private void collectPids(Path dir, Set<Long> out) {
        try {
            out.addAll(CgroupManager.pidsOf(manager.files().read(dir.resolve("cgroup.procs"))));
            for (Path child : manager.files().children(dir)) {
                collectPids(child, out);
            }
        } catch (NoSuchFileException e) {
            // gone, or a process-less directory: nothing to list
        } catch (IOException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot list the processes in " + dir)
                    .operation("linux::cgroup::pids").containerId(id).platformCode(Errno.of(e)).cause(e).build();
        }
    }

    private Path primary() {
        for (Map.Entry<CgroupMount, Path> e : dirs.entrySet()) {
            if (e.getKey().unified()) {
                return e.getValue();
            }
        }
        return dirs.values().iterator().next();
    }

    /**
     * {@code true} if no process is in the cgroup in any hierarchy (v2: {@code cgroup.events} says
     * {@code populated 0}; v1: every {@code cgroup.procs} of the subtree is empty).
     */
    public boolean isEmpty() {
        for (Map.Entry<CgroupMount, Path> e : dirs.entrySet()) {
            if (e.getKey().unified()) {
                try {
                    OptionalLong populated = CgroupValues.keyed("cgroup.events", manager.files().read(e.getValue().resolve("cgroup.events")), "populated");
                    if (populated.isPresent()) {
                        if (populated.getAsLong() != 0) {
                            return false;
                        }
                        continue;
                    }
                } catch (IOException ex) {
                    // no cgroup.events (before Linux 4.11) or gone: its processes are counted below
                }
            }
            Set<Long> pids = new LinkedHashSet<>();
            collectPids(e.getValue(), pids);
            if (!pids.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Kills every process in the cgroup and waits until it is empty: v2 {@code cgroup.kill} where the kernel has it
     * (Linux 5.14); otherwise freeze (v1 {@code freezer.state}, v2 {@code cgroup.freeze}), SIGKILL each member, thaw,
     * so no process can fork away between listing and killing. Without any freezer, members are killed in rounds
     * until none is left. An already empty or removed cgroup is success.
     *
     * @throws ContainerException {@code TIMEOUT} naming the pids still there after {@code timeout}
     */
    public void killAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CgroupFiles files = manager.files();
        Optional<Path> v2 = dirs.entrySet().stream().filter(e -> e.getKey().unified()).map(Map.Entry::getValue).findFirst();
        if (v2.isPresent() && files.exists(v2.get().resolve("cgroup.kill"))) {
            try {
                files.write(v2.get().resolve("cgroup.kill"), "1");
                // killed processes are gone in milliseconds; one that is in v1 hierarchies only (it never joined the
                // v2 cgroup) is left to the freezer below
                if (awaitEmptyUntil(Math.min(deadline, System.nanoTime() + 1_000_000_000L))) {
                    return;
                }
            } catch (IOException e) {
                // gone, or refused: freeze and kill one by one below (an empty cgroup ends that loop at once)
            }
        }
        while (!isEmpty()) {
            Freezer freezer = freezer();
            freezer.freeze(deadline);
            try {
                for (long pid : pids()) {
                    manager.killer().accept(pid);
                }
            } finally {
                freezer.thaw();
            }
            if (awaitEmptyUntil(Math.min(deadline, System.nanoTime() + 100_000_000L))) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ContainerException(ErrorKind.TIMEOUT, "cgroup of container '" + id + "' still holds processes " + pids()
                        + " after kill-all and " + timeout.toMillis() + " ms (" + primary() + ")");
            }
        }
    }

    /**
     * Waits until the cgroup is empty.
     *
     * @throws ContainerException {@code TIMEOUT} naming the pids still there
     */
    public void awaitEmpty(Duration timeout) {
        if (!awaitEmptyUntil(System.nanoTime() + timeout.toNanos())) {
            throw new ContainerException(ErrorKind.TIMEOUT, "cgroup of container '" + id + "' still holds processes " + pids()
                    + " after " + timeout.toMillis() + " ms (" + primary() + ")");
        }
    }

    private boolean awaitEmptyUntil(long deadline) {
        long sleep = 1;
        while (!isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep = Math.min(20, sleep * 2);
        }
        return true;
    }

    /**
     * Removes the cgroup in every hierarchy, sub-cgroups first (leaves before their parents). A directory that is
     * gone already is success; one still busy ({@code EBUSY}: its last processes are exiting) is retried for up to a
     * second. The parent stays.
     *
     * @throws ContainerException {@code PLATFORM_FAILURE} listing each directory that could not be removed
     */
    public void remove() {
        List<IOException> failures = new ArrayList<>();
        List<Path> failed = new ArrayList<>();
        List<Map.Entry<CgroupMount, Path>> reversed = new ArrayList<>(dirs.entrySet());
        java.util.Collections.reverse(reversed);
        for (Map.Entry<CgroupMount, Path> e : reversed) {
            removeTree(e.getValue(), failures, failed);
        }
        if (!failures.isEmpty()) {
            ContainerException ex = ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot remove the cgroup directories " + failed)
                    .operation("linux::cgroup::remove").containerId(id).platformCode(Errno.of(failures.get(0))).cause(failures.get(0)).build();
            failures.stream().skip(1).forEach(ex::addSuppressed);
            throw ex;
        }
    }

    private void removeTree(Path dir, List<IOException> failures, List<Path> failed) {
        CgroupFiles files = manager.files();
        try {
            for (Path child : files.children(dir)) {
                removeTree(child, failures, failed);
            }
        } catch (IOException e) {
            failures.add(e);
            failed.add(dir);
            return;
        }
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (true) {
            try {
                files.rmdir(dir);
                return;
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                if (!Errno.isBusy(e) || System.nanoTime() - deadline > 0) {
                    failures.add(e);
                    failed.add(dir);
                    return;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    failures.add(e);
                    failed.add(dir);
                    return;
                }
            }
        }
    }

    /** One reading of the cgroup's counters; a counter this host does not keep reads as 0. */
    public CgroupSample sample() {
        Instant now = Instant.now();
        long mono = System.nanoTime();
        long memory = 0;
        long peak = 0;
        Optional<CgroupMount> mem = manager.locate(Controller.MEMORY);
        if (mem.isPresent()) {
            Path d = dirs.get(mem.get());
            memory = mem.get().unified() ? number(d, "memory.current") : number(d, "memory.usage_in_bytes");
            peak = mem.get().unified() ? number(d, "memory.peak") : number(d, "memory.max_usage_in_bytes");
        }
        long cpu = 0;
        Optional<CgroupMount> acct = manager.locate(Controller.CPUACCT);
        if (acct.isPresent()) {
            Path d = dirs.get(acct.get());
            cpu = acct.get().unified() ? read(d, "cpu.stat").map(CgroupValues::cpuStatNanos).orElse(0L) : number(d, "cpuacct.usage");
        }
        CgroupValues.IoCounters io = CgroupValues.IoCounters.ZERO;
        Optional<CgroupMount> blk = manager.locate(Controller.IO);
        if (blk.isPresent()) {
            Path d = dirs.get(blk.get());
            if (blk.get().unified()) {
                io = read(d, "io.stat").map(CgroupValues::ioStat).orElse(io);
            } else {
                Optional<String> bytes = read(d, "blkio.throttle.io_service_bytes_recursive").or(() -> read(d, "blkio.throttle.io_service_bytes"));
                Optional<String> ops = read(d, "blkio.throttle.io_serviced_recursive").or(() -> read(d, "blkio.throttle.io_serviced"));
                io = CgroupValues.blkio(bytes.orElse(""), ops.orElse(""));
            }
        }
        Optional<CgroupMount> pidsMount = manager.locate(Controller.PIDS);
        long processes = pidsMount.flatMap(m -> read(dirs.get(m), "pids.current")).map(t -> CgroupValues.number("pids.current", t))
                .orElseGet(() -> (long) pids().size());
        return new CgroupSample(now, mono, memory, peak, cpu, io, processes);
    }

    private long number(Path dir, String file) {
        return read(dir, file).map(t -> CgroupValues.number(file, t)).orElse(0L);
    }

    private Optional<String> read(Path dir, String file) {
        try {
            return Optional.of(manager.files().read(dir.resolve(file)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Freezer freezer() {
        Optional<CgroupMount> m = manager.locate(Controller.FREEZER);
        if (m.isPresent() && dirs.containsKey(m.get())) {
            Path d = dirs.get(m.get());
            if (m.get().unified() && manager.files().exists(d.resolve("cgroup.freeze"))) {
                return new Freezer(d.resolve("cgroup.freeze"), "1", "0", d.resolve("cgroup.events"));
            }
            if (!m.get().unified() && manager.files().exists(d.resolve("freezer.state"))) {
                return new Freezer(d.resolve("freezer.state"), "FROZEN", "THAWED", d.resolve("freezer.state"));
            }
        }
        return new Freezer(null, null, null, null);
    }

    /** Freezes and thaws through v1 {@code freezer.state} or v2 {@code cgroup.freeze}; a no-op without either. */
    private final class Freezer {
        private final Path control;
        private final String frozen;
        private final String thawed;
        private final Path state;

        Freezer(Path control, String frozen, String thawed, Path state) {
            this.control = control;
            this.frozen = frozen;
            this.thawed = thawed;
            this.state = state;
        }

        void freeze(long deadline) {
            if (control == null) {
                return;
            }
            try {
                manager.files().write(control, frozen);
                // v1 passes through FREEZING, v2 reports "frozen 1" in cgroup.events once every task stopped.
                while (!isFrozen()) {
                    if (System.nanoTime() - deadline > 0) {
                        return; // kill anyway; the loop in killAll retries
                    }
                    Thread.sleep(1);
                }
            } catch (IOException e) {
                // cannot freeze: kill without it, the loop in killAll retries
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private boolean isFrozen() throws IOException {
            String text = manager.files().read(state);
            return control.equals(state) ? text.trim().equals("FROZEN") : CgroupValues.keyed("cgroup.events", text, "frozen").orElse(1) == 1;
        }

        void thaw() {
            if (control == null) {
                return;
            }
            try {
                manager.files().write(control, thawed);
            } catch (IOException e) {
                // gone with its processes: nothing left to thaw
            }
        }
    }
}
