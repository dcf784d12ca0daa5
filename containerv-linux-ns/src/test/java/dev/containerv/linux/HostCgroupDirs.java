package dev.containerv.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's cgroup directories that exist on this host, found independently of the provider's own cgroup code:
 * every {@code cgroup} and {@code cgroup2} mount in {@code /proc/self/mountinfo}, looked at under
 * {@code containerv/<id>}. For the "nothing is left" checks of the privileged tests and the conformance suite.
 */
final class HostCgroupDirs {
    private HostCgroupDirs() {
    }

    /** The directories of container {@code id} still present in any hierarchy. */
    static List<Path> of(String id) {
        List<Path> left = new ArrayList<>();
        for (Path mount : mounts()) {
            Path dir = mount.resolve("containerv").resolve(id);
            if (Files.exists(dir)) {
                left.add(dir);
            }
        }
        return left;
    }

    /** The mount points of every cgroup hierarchy. */
    static List<Path> mounts() {
        List<Path> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] halves = line.split(" - ", 2);
                String[] pre = halves[0].split(" ");
                String fsType = halves.length > 1 ? halves[1].split(" ")[0] : "";
                if (fsType.equals("cgroup") || fsType.equals("cgroup2")) {
                    out.add(Path.of(pre[4].replace("\\040", " ")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
