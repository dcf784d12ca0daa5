package dev.containerv.linux.proc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** /proc parsing on a fake tree. */
class ProcTest {
    @TempDir
    Path root;

    private void process(long pid, String comm, long start, String ns, long nspid, long rssKb, long utime, long stime) throws IOException {
        Path dir = Files.createDirectories(root.resolve(Long.toString(pid)));
        // fields 3.. after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        StringBuilder stat = new StringBuilder(pid + " (" + comm + ") S 1 1 1 0 -1 0 0 0 0 0 " + utime + " " + stime);
        for (int f = 16; f <= 21; f++) {
            stat.append(" 0");
        }
        stat.append(' ').append(start).append(" 0 0\n");
        Files.writeString(dir.resolve("stat"), stat);
        Files.writeString(dir.resolve("status"), "Name:\t" + comm + "\nNSpid:\t" + pid + "\t" + nspid + "\nVmHWM:\t  " + (rssKb * 2)
                + " kB\nVmRSS:\t  " + rssKb + " kB\n");
        Files.createDirectories(dir.resolve("ns"));
        Files.createSymbolicLink(dir.resolve("ns/pid"), Path.of(ns));
        Files.writeString(dir.resolve("io"), "rchar: 1\nread_bytes: 4096\nwrite_bytes: 8192\n");
    }

    @Test
    void startTimeSurvivesCommandNamesWithSpacesAndParentheses() throws IOException {
        process(4242, "my (odd) name", 987654, "pid:[1]", 4242, 1, 0, 0);
        Proc proc = new Proc(root);
        assertThat(proc.startTime(4242)).hasValue(987654);
        assertThat(proc.alive(4242, 987654)).isTrue();
        assertThat(proc.alive(4242, 1)).as("a reused pid is not the same process").isFalse();
        assertThat(proc.startTime(1)).isEmpty();
    }

    @Test
    void tasksOfOneNamespaceWithContainerPidsMemoryCpuAndIo() throws IOException {
        process(100, "containerv-help", 5, "pid:[777]", 1, 1000, 3, 4);
        process(101, "sleep", 6, "pid:[777]", 2, 500, 10, 20);
        process(200, "java", 7, "pid:[1]", 200, 9999, 1, 1);
        Proc proc = new Proc(root);
        assertThat(proc.pidNamespace(101)).isEqualTo("pid:[777]");
        assertThat(proc.tasksIn("pid:[777]", true)).containsExactlyInAnyOrder(
                new Proc.Task(100, 1, "containerv-help", 1000 * 1024, 2000 * 1024, 7, 4096, 8192),
                new Proc.Task(101, 2, "sleep", 500 * 1024, 1000 * 1024, 30, 4096, 8192));
        assertThat(proc.hostPidOf("pid:[777]", 2)).isEqualTo(101);
        assertThat(proc.hostPidOf("pid:[777]", 3)).isEqualTo(-1);
    }

    @Test
    void mountsUnderADirectoryDeepestFirstAndOptionsOfTheHoldingMount() throws IOException {
        Files.createDirectories(root.resolve("self"));
        Files.writeString(root.resolve("self/mountinfo"), """
                22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw
                30 22 0:5 / /tmp rw,nosuid,nodev,noexec shared:2 - tmpfs tmpfs rw
                40 22 0:6 / /var/lib/containerv/c1/merged rw - overlay overlay rw
                41 40 0:7 / /var/lib/containerv/c1/merged/proc rw - proc proc rw
                42 22 0:8 / /var/lib/containerv/c10/merged rw - overlay overlay rw
                43 22 0:9 / /srv/with\\040space rw - tmpfs tmpfs rw
                """);
        Proc proc = new Proc(root);
        assertThat(proc.mountsUnder(Path.of("/var/lib/containerv/c1"))).containsExactly(
                Path.of("/var/lib/containerv/c1/merged/proc"), Path.of("/var/lib/containerv/c1/merged"));
        assertThat(proc.mountOptionsOf(Path.of("/tmp/containerv-0/helper"))).contains("noexec");
        assertThat(proc.mountOptionsOf(Path.of("/var/cache/containerv"))).doesNotContain("noexec");
        assertThat(proc.mountsUnder(Path.of("/srv/with space"))).containsExactly(Path.of("/srv/with space"));
    }

    /** The readers that LinuxContainer used to do itself: children + NSpid, ns_last_pid, net/dev, a container file. */
    @Test
    void routesAreReadInTheKernelsByteOrder() {
        java.util.List<Proc.Route> routes = Proc.parseRoutes(java.util.List.of(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "eth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                "cv0123456789ab\t0007D50A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"));
        int dest = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0x0ad50700 : 0x0007d50a;
        int mask = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0xffffff00 : 0x00ffffff;
        assertThat(routes).containsExactly(new Proc.Route("eth0", 0, 0), new Proc.Route("cv0123456789ab", dest, mask));
    }

    @Test
    void hostPidsNetworkCountersAndLastPidOfOneInit() throws IOException {
        process(100, "containerv-help", 5, "pid:[777]", 1, 1, 0, 0);
        process(101, "sleep", 6, "pid:[777]", 2, 1, 0, 0);
        process(102, "orphan", 7, "pid:[777]", 3, 1, 0, 0);
        Path task = Files.createDirectories(root.resolve("100/task/100"));
        Files.writeString(task.resolve("children"), "101 ");
        Path nsDir = Files.createDirectories(root.resolve("100/root/proc/sys/kernel"));
        Files.writeString(nsDir.resolve("ns_last_pid"), "41\n");
        Files.createDirectories(root.resolve("100/net"));
        Files.writeString(root.resolve("100/net/dev"), """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:  500       5    0    0    0     0          0         0      500       5    0    0    0     0       0          0
                  eth0: 1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0
                  eth1:  100       1    0    0    0     0          0         0      200       2    0    0    0     0       0          0
                """);
        Proc proc = new Proc(root);
        assertThat(proc.hostPidOf(100, "pid:[777]", 2)).as("a child of the init").isEqualTo(101);
        assertThat(proc.hostPidOf(100, "pid:[777]", 3)).as("found by the namespace scan").isEqualTo(102);
        assertThat(proc.hostPidOf(100, null, 3)).isEqualTo(-1);
        assertThat(proc.nsPidOf(101)).isEqualTo(2);
        assertThat(proc.lastPidInNamespaceOf(100)).hasValue(41);
        assertThat(proc.lastPidInNamespaceOf(101)).isEmpty();
        assertThat(proc.networkCounters(100)).containsExactly(1100, 2200, 11, 22);
    }
}
