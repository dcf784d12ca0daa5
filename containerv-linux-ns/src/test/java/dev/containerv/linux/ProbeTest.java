package dev.containerv.linux;

import dev.containerv.spi.ProbeResult;
import dev.containerv.linux.proc.Proc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The probe against a made-up {@code /proc/self/status}: what it says follows the uid that create will check. */
class ProbeTest {
    @TempDir
    Path tmp;

    private Proc procWith(long uid, String capEff) throws IOException {
        Path self = Files.createDirectories(tmp.resolve("proc/self"));
        Files.writeString(self.resolve("status"), "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid
                + "\nGid:\t0\t0\t0\t0\nCapEff:\t" + capEff + "\n");
        Path ns = Files.createDirectories(self.resolve("ns"));
        for (String n : new String[] {"mnt", "pid", "uts", "ipc", "net", "cgroup"}) {
            Files.writeString(ns.resolve(n), "");
        }
        Files.writeString(tmp.resolve("proc/filesystems"), "nodev\tsysfs\nnodev\ttmpfs\nnodev\toverlay\n");
        return new Proc(tmp.resolve("proc"));
    }

    private Path scriptHelper() throws IOException {
        Path helper = tmp.resolve("containerv-helper");
        Files.writeString(helper, "#!/bin/sh\necho 'containerv-helper 1.0.0 plan 2 protocol 1'\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        return helper;
    }

    @Test
    void aNormalUserIsAvailableInModeRootlessWhenTheKernelAllowsUserNamespaces() throws IOException {
        ProbeResult r = LinuxNamespacesProvider.runProbe(Optional.of(scriptHelper()), procWith(1000, "0000000000000000")).result();
        assertThat(r.available()).as(r.reason()).isTrue();
        assertThat(r.reason()).contains("mode rootless", "uid 1000");
    }

    @Test
    void aNormalUserWhomTheKernelRefusesUserNamespacesIsToldWhichSysctlStopsIt() throws IOException {
        Proc proc = procWith(1000, "0000000000000000");
        Files.createDirectories(tmp.resolve("proc/sys/kernel"));
        Files.writeString(tmp.resolve("proc/sys/kernel/unprivileged_userns_clone"), "0\n");
        ProbeResult r = LinuxNamespacesProvider.runProbe(Optional.of(scriptHelper()), proc).result();
        assertThat(r.available()).isFalse();
        assertThat(r.reason()).contains("uid 1000", "kernel.unprivileged_userns_clone = 0");
    }

    /**
     * Issue 18 item 11c: the helper of a JVM that cannot create containers is not extracted anywhere. A normal user
     * can (rootless) unless the kernel forbids user namespaces to normal users: that user's probe writes nothing.
     */
    @Test
    void aNonRootProbeWritesNothing() throws IOException {
        Files.createDirectories(tmp.resolve("proc/sys/kernel"));
        Files.writeString(tmp.resolve("proc/sys/kernel/unprivileged_userns_clone"), "0\n");
        Path tmpdir = Files.createDirectories(tmp.resolve("java-tmpdir"));
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmpdir.toString());
        try {
            LinuxNamespacesProvider.Probe p = LinuxNamespacesProvider.runProbe(Optional.empty(), procWith(1000, "0000000000000000"));
            assertThat(p.result().available()).isFalse();
            assertThat(p.onlyPrivileges()).isTrue();
            assertThat(p.helper()).isNull();
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
        try (var listed = Files.list(tmpdir)) {
            assertThat(listed.toList()).as("what the probe wrote into java.io.tmpdir").isEmpty();
        }
    }

    /** The probe reads /proc through its seam only, so a kernel without overlayfs or a namespace is testable. */
    @Test
    void aKernelWithoutOverlayOrACgroupNamespaceIsUnavailableNamingIt() throws IOException {
        Proc proc = procWith(0, "000001ffffffffff");
        Files.writeString(tmp.resolve("proc/filesystems"), "nodev\tsysfs\nnodev\ttmpfs\n");
        ProbeResult noOverlay = LinuxNamespacesProvider.runProbe(Optional.of(scriptHelper()), proc).result();
        assertThat(noOverlay.available()).isFalse();
        assertThat(noOverlay.reason()).contains("overlay", "modprobe overlay");
        Files.writeString(tmp.resolve("proc/filesystems"), "nodev\toverlay\n");
        Files.delete(tmp.resolve("proc/self/ns/cgroup"));
        ProbeResult noCgroupNs = LinuxNamespacesProvider.runProbe(Optional.of(scriptHelper()), proc).result();
        assertThat(noCgroupNs.available()).isFalse();
        assertThat(noCgroupNs.reason()).contains("no cgroup namespaces", "CONFIG_CGROUP_NS");
    }

    @Test
    void rootIsAvailable() throws IOException {
        ProbeResult r = LinuxNamespacesProvider.runProbe(Optional.of(scriptHelper()), procWith(0, "000001ffffffffff")).result();
        assertThat(r.available()).as(r.reason()).isTrue();
        assertThat(r.reason()).contains("mode root:", "running as uid 0");
    }
}
