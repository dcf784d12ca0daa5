package dev.containerv.testkit;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes, after a test run, the {@code containerv} parent cgroups that the run's containers created in each cgroup
 * hierarchy, once they are empty: the Linux provider keeps them (another process's containers may be using them),
 * but a test run leaves nothing on the host that was not there before it. A parent that existed before the run, or
 * that still holds a container of another process, is left alone (rmdir of a non-empty cgroup fails).
 *
 * <p>A module whose tests make Linux containers registers it in its test resources, in
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}. The hierarchies are found
 * independently of the provider's own cgroup code: every {@code cgroup} and {@code cgroup2} mount in
 * {@code /proc/self/mountinfo}; where there is none (not Linux), it does nothing.
 */
public final class CgroupParentCleanup implements LauncherSessionListener {
    private List<Path> existedBefore = List.of();

    /** Made by the JUnit launcher, from the service file. */
    public CgroupParentCleanup() {
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        existedBefore = parents().stream().filter(Files::isDirectory).toList();
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        for (Path parent : parents()) {
            if (Files.isDirectory(parent) && !existedBefore.contains(parent)) {
                try {
                    Files.delete(parent);
                } catch (IOException e) {
                    System.err.println("containerv tests: cgroup parent " + parent + " kept: " + e);
                }
            }
        }
    }

    /** {@code containerv} under every cgroup mount of this host (field 5 of mountinfo, for cgroup and cgroup2). */
    private static List<Path> parents() {
        List<Path> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] halves = line.split(" - ", 2);
                String fsType = halves.length > 1 ? halves[1].split(" ")[0] : "";
                if (fsType.equals("cgroup") || fsType.equals("cgroup2")) {
                    out.add(Path.of(halves[0].split(" ")[4].replace("\\040", " ")).resolve("containerv"));
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // not Linux, or no /proc: nothing was made either
        }
        return out;
    }
}
