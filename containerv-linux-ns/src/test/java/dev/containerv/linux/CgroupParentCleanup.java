package dev.containerv.linux;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Removes, after the test run, the {@code containerv} parent cgroups that the run's containers created in each
 * hierarchy, once they are empty: the provider keeps them (another process's containers may be using them), but a
 * test run leaves nothing on the host that was not there before it. A parent that existed before the run, or that
 * still holds a container of another process, is left alone (rmdir of a non-empty cgroup fails).
 */
public final class CgroupParentCleanup implements LauncherSessionListener {
    private List<Path> existedBefore = List.of();

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

    private static List<Path> parents() {
        try {
            return HostCgroupDirs.mounts().stream().map(m -> m.resolve("containerv")).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
