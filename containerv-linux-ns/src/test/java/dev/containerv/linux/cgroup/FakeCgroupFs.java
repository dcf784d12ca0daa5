package dev.containerv.linux.cgroup;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A temp-dir tree that behaves like the kernel's cgroup file systems, as far as the cgroup code relies on it:
 * mkdir makes the interface files of the hierarchy's (v1) or the enabled (v2) controllers; v2
 * {@code cgroup.subtree_control} only accepts available controllers, and below the root none while the cgroup holds a
 * process (v2's no-internal-processes rule, EBUSY; nor does a pid move into such a cgroup); writing a pid to
 * {@code cgroup.procs} moves it; {@code cgroup.kill} empties a subtree; a killed process in a frozen cgroup dies only when thawed; rmdir
 * refuses a cgroup with children or processes (EBUSY). Failures can be injected per path.
 */
final class FakeCgroupFs implements CgroupFiles {
    /** Which hierarchy a mount point is: v1 with controllers, or v2. */
    record Hierarchy(Path mountPoint, int version, Set<String> controllers) {
    }

    final List<Hierarchy> hierarchies = new ArrayList<>();
    /** Whether new cgroups get the swap files (memory.swap.max / memory.memsw.limit_in_bytes). */
    boolean swapAccounted = true;
    /** Whether new v2 cgroups get cgroup.kill (Linux 5.14). */
    boolean hasCgroupKill = true;
    /** The v1 blkio weight file of new cgroups: BFQ's (as on this machine) or CFQ's, or none. */
    String blkioWeightFile = "blkio.bfq.weight";
    /** Injected failures: a path and the strerror text of the IOException its write/mkdir/rmdir throws. */
    final Map<Path, String> failures = new HashMap<>();
    /** Every write, in order, as "path=value". */
    final List<String> writes = new ArrayList<>();
    /** Pids killed while frozen, dying on thaw. */
    private final Set<Long> pendingDeath = new HashSet<>();
    /** Freezer state of the cgroup each pid was in when it was killed, in order. */
    final List<String> killedWhile = new ArrayList<>();

    /** Makes the mount point and its root interface files; for v2, {@code available} is the root's cgroup.controllers. */
    Hierarchy mount(Path mountPoint, int version, Set<String> controllersOrAvailable) throws IOException {
        Files.createDirectories(mountPoint);
        Hierarchy h = new Hierarchy(mountPoint, version, version == 1 ? controllersOrAvailable : Set.of());
        hierarchies.add(h);
        Files.writeString(mountPoint.resolve("cgroup.procs"), "");
        if (version == 2) {
            Files.writeString(mountPoint.resolve("cgroup.controllers"), String.join(" ", controllersOrAvailable));
            Files.writeString(mountPoint.resolve("cgroup.subtree_control"), "");
            Files.writeString(mountPoint.resolve("cpu.stat"), "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
        }
        return h;
    }

    Hierarchy hierarchyOf(Path p) {
        return hierarchies.stream().filter(h -> p.startsWith(h.mountPoint())).max((a, b) -> a.mountPoint().getNameCount() - b.mountPoint().getNameCount())
                .orElseThrow(() -> new IllegalArgumentException(p + " is in no fake hierarchy"));
    }

    private void failIfInjected(Path p) throws IOException {
        String reason = failures.get(p);
        if (reason != null) {
            throw new FileSystemException(p.toString(), null, reason);
        }
    }

    @Override
    public String read(Path file) throws IOException {
        if (file.getFileName().toString().equals("cgroup.events") && Files.exists(file)) {
            Path dir = file.getParent();
            boolean populated = !subtreePids(dir).isEmpty();
            String freeze = Files.exists(dir.resolve("cgroup.freeze")) ? Files.readString(dir.resolve("cgroup.freeze")).trim() : "0";
            return "populated " + (populated ? 1 : 0) + "\nfrozen " + freeze + "\n";
        }
        return CgroupFiles.super.read(file);
    }

    @Override
    public void write(Path file, String value) throws IOException {
        failIfInjected(file);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        writes.add(file + "=" + value);
        String name = file.getFileName().toString();
        Path dir = file.getParent();
        switch (name) {
            case "cgroup.subtree_control" -> {
                // no internal processes: below the root, a cgroup with processes enables no controller for children
                if (!dir.equals(hierarchyOf(dir).mountPoint()) && value.contains("+")
                        && !CgroupManager.pidsOf(Files.readString(dir.resolve("cgroup.procs"))).isEmpty()) {
                    throw new FileSystemException(file.toString(), null, "Device or resource busy");
                }
                Set<String> available = CgroupManager.words(Files.readString(dir.resolve("cgroup.controllers")));
                Set<String> enabled = new LinkedHashSet<>(CgroupManager.words(Files.readString(file)));
                for (String tok : value.trim().split("\\s+")) {
                    String c = tok.substring(1);
                    if (!available.contains(c)) {
                        throw new FileSystemException(file.toString(), null, "No such file or directory");
                    }
                    if (tok.charAt(0) == '+') {
                        enabled.add(c);
                    } else {
                        enabled.remove(c);
                    }
                }
                Files.writeString(file, String.join(" ", enabled));
            }
            case "cgroup.procs" -> {
                long pid = Long.parseLong(value.trim());
                Hierarchy h = hierarchyOf(dir);
                if (h.version() == 2 && !dir.equals(h.mountPoint()) && !Files.readString(dir.resolve("cgroup.subtree_control")).isBlank()) {
                    throw new FileSystemException(file.toString(), null, "Device or resource busy");
                }
                for (Path procs : procsFiles(h.mountPoint())) {
                    removePid(procs, pid);
                }
                Files.writeString(file, Files.readString(file) + pid + "\n");
            }
            case "cgroup.kill" -> {
                for (long pid : subtreePids(dir)) {
                    killedWhile.add("cgroup.kill");
                    die(pid);
                }
            }
            case "freezer.state", "cgroup.freeze" -> {
                Files.writeString(file, value.trim());
                if (value.trim().equals("THAWED") || value.trim().equals("0")) {
                    for (long pid : new ArrayList<>(pendingDeath)) {
                        die(pid);
                    }
                    pendingDeath.clear();
                }
            }
            default -> Files.writeString(file, value);
        }
    }

    /** The killer the manager is given: SIGKILL to a fake process. */
    void kill(long pid) {
        String state = frozenState(pid);
        killedWhile.add(state);
        if (state.equals("FROZEN")) {
            pendingDeath.add(pid);
        } else {
            try {
                die(pid);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private String frozenState(long pid) {
        try {
            for (Hierarchy h : hierarchies) {
                for (Path procs : procsFiles(h.mountPoint())) {
                    if (!CgroupManager.pidsOf(Files.readString(procs)).contains(pid)) {
                        continue;
                    }
                    for (Path d = procs.getParent(); d.startsWith(h.mountPoint()); d = d.getParent()) {
                        if (Files.exists(d.resolve("freezer.state")) && Files.readString(d.resolve("freezer.state")).trim().equals("FROZEN")) {
                            return "FROZEN";
                        }
                        if (Files.exists(d.resolve("cgroup.freeze")) && Files.readString(d.resolve("cgroup.freeze")).trim().equals("1")) {
                            return "FROZEN";
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return "THAWED";
    }

    private void die(long pid) throws IOException {
        for (Hierarchy h : hierarchies) {
            for (Path procs : procsFiles(h.mountPoint())) {
                removePid(procs, pid);
            }
        }
    }

    private static void removePid(Path procs, long pid) throws IOException {
        List<Long> pids = CgroupManager.pidsOf(Files.readString(procs));
        if (pids.remove(pid)) {
            StringBuilder sb = new StringBuilder();
            pids.forEach(p -> sb.append(p).append('\n'));
            Files.writeString(procs, sb);
        }
    }

    private static List<Path> procsFiles(Path under) throws IOException {
        try (Stream<Path> s = Files.walk(under)) {
            return s.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList();
        }
    }

    List<Long> subtreePids(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        for (Path procs : procsFiles(dir)) {
            out.addAll(CgroupManager.pidsOf(Files.readString(procs)));
        }
        return out;
    }

    @Override
    public void mkdir(Path dir) throws IOException {
        failIfInjected(dir);
        Hierarchy h = hierarchyOf(dir.getParent());
        Files.createDirectory(dir);
        Map<String, String> f = new HashMap<>();
        f.put("cgroup.procs", "");
        if (h.version() == 1) {
            f.put("tasks", "");
            for (String c : h.controllers()) {
                switch (c) {
                    case "memory" -> {
                        f.put("memory.limit_in_bytes", Long.toString(CgroupValues.V1_UNLIMITED));
                        if (swapAccounted) {
                            f.put("memory.memsw.limit_in_bytes", Long.toString(CgroupValues.V1_UNLIMITED));
                        }
                        f.put("memory.usage_in_bytes", "0");
                        f.put("memory.max_usage_in_bytes", "0");
                    }
                    case "cpu" -> {
                        f.put("cpu.shares", "1024");
                        f.put("cpu.cfs_period_us", "100000");
                        f.put("cpu.cfs_quota_us", "-1");
                    }
                    case "cpuacct" -> f.put("cpuacct.usage", "0");
                    case "pids" -> {
                        f.put("pids.max", "max");
                        f.put("pids.current", "0");
                    }
                    case "blkio" -> {
                        if (blkioWeightFile != null) {
                            f.put(blkioWeightFile, "100");
                        }
                        f.put("blkio.throttle.io_service_bytes", "Total 0\n");
                        f.put("blkio.throttle.io_serviced", "Total 0\n");
                    }
                    case "freezer" -> f.put("freezer.state", "THAWED");
                    default -> {
                    }
                }
            }
        } else {
            String enabled = Files.readString(dir.getParent().resolve("cgroup.subtree_control"));
            f.put("cgroup.controllers", enabled);
            f.put("cgroup.subtree_control", "");
            f.put("cgroup.events", "");
            f.put("cgroup.freeze", "0");
            if (hasCgroupKill) {
                f.put("cgroup.kill", "");
            }
            f.put("cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
            for (String c : CgroupManager.words(enabled)) {
                switch (c) {
                    case "memory" -> {
                        f.put("memory.max", "max");
                        if (swapAccounted) {
                            f.put("memory.swap.max", "max");
                        }
                        f.put("memory.current", "0");
                        f.put("memory.peak", "0");
                    }
                    case "cpu" -> {
                        f.put("cpu.weight", "100");
                        f.put("cpu.max", "max 100000");
                    }
                    case "pids" -> {
                        f.put("pids.max", "max");
                        f.put("pids.current", "0");
                    }
                    case "io" -> {
                        f.put("io.weight", "default 100");
                        f.put("io.stat", "");
                    }
                    default -> {
                    }
                }
            }
        }
        for (Map.Entry<String, String> e : f.entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
    }

    @Override
    public void rmdir(Path dir) throws IOException {
        failIfInjected(dir);
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        if (!children(dir).isEmpty()) {
            // the kernel says EBUSY, not ENOTEMPTY, for a cgroup with child cgroups
            throw new FileSystemException(dir.toString(), null, "Device or resource busy");
        }
        if (!CgroupManager.pidsOf(Files.readString(dir.resolve("cgroup.procs"))).isEmpty()) {
            throw new FileSystemException(dir.toString(), null, "Device or resource busy");
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** Lets a fake process exit on its own after {@code millis}, as a process still exiting when rmdir comes. */
    void exitLater(long pid, long millis) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(millis);
                synchronized (this) {
                    die(pid);
                }
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** Puts a fake process into a cgroup directory as if it had been started there. */
    void spawnIn(Path dir, long pid) throws IOException {
        write(dir.resolve("cgroup.procs"), Long.toString(pid));
    }
}
