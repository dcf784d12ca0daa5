package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.ProcessSpec;
import dev.containerv.spi.FileTrees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Copies never leave their target (issue 12, item 7), tried as an attacker inside the container would: a
 * link planted on the host by one download and used by the next, magic links of {@code /proc} that lead to
 * host directories, setuid files and foreign owners coming out, and a tree deeper than the copy walks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CopyContainmentPrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-copy-containment");
    private static Container box;

    @BeforeAll
    static void setUp() throws Exception {
        box = BED.runtime().create(ContainerSpec.builder().id("t-" + UUID.randomUUID().toString().substring(0, 8)).rootfs(BED.rootfs()).build());
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (box != null) {
            String id = box.id();
            box.destroy();
            PrivilegedBed.assertGone(id);
        }
    }

    private static ExecResult sh(String script) {
        ExecResult r = box.exec(ProcessSpec.of("/bin/sh", "-c", script));
        assertThat(r.exitCode()).as(script + ": " + r.stderr()).isZero();
        return r;
    }

    @Test
    void aLinkPlantedByOneDownloadDoesNotRedirectTheNext() throws Exception {
        Path victim = Files.createDirectories(BED.work().resolve("victim"));
        Path out = Files.createDirectories(BED.work().resolve("two-step"));
        sh("ln -sfn " + victim + " /tmp/plant && echo payload > /tmp/payload");
        box.download("/tmp/plant", out.resolve("x"));
        assertThat(Files.readSymbolicLink(out.resolve("x"))).isEqualTo(victim);

        assertThatThrownBy(() -> box.download("/tmp/payload", out.resolve("x").resolve("payload")))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                .hasMessageContaining("link");
        assertThat(victim.resolve("payload")).doesNotExist();

        // Named itself, the planted link is replaced, never written through.
        box.download("/tmp/payload", out.resolve("x"));
        assertThat(Files.isSymbolicLink(out.resolve("x"))).isFalse();
        assertThat(Files.readString(out.resolve("x"))).isEqualTo("payload\n");
        try (Stream<Path> s = Files.list(victim)) {
            assertThat(s.toList()).isEmpty();
        }
        sh("rm -f /tmp/plant /tmp/payload");
    }

    @Test
    void aDownloadSkipsFifosAndDevicesAndCopiesAbsoluteLinksAsLinks() throws Exception {
        sh("rm -rf /tmp/odd && mkdir /tmp/odd && mkfifo /tmp/odd/fifo && ln -s /etc/marker /tmp/odd/abs && echo f > /tmp/odd/file");
        Path out = BED.work().resolve("odd");
        box.download("/tmp/odd", out);
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("abs", "file");
        }
        // The link keeps its text: on the host it names the host's /etc/marker, and nothing followed it.
        assertThat(Files.readSymbolicLink(out.resolve("abs"))).isEqualTo(Path.of("/etc/marker"));
        // A device node or FIFO named by itself is skipped too: nothing appears, nothing is replaced.
        box.download("/dev/null", BED.work().resolve("null-copy"));
        assertThat(BED.work().resolve("null-copy")).doesNotExist();
        Path kept = Files.writeString(BED.work().resolve("kept"), "kept");
        box.download("/tmp/odd/fifo", kept);
        assertThat(kept).hasContent("kept");
        // /dev holds character devices (null, zero, ...) and absolute links (/dev/fd -> /proc/self/fd): only the links come out.
        Path dev = BED.work().resolve("dev-copy");
        box.download("/dev", dev);
        try (Stream<Path> s = Files.walk(dev)) {
            assertThat(s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !Files.isSymbolicLink(p)).filter(p -> !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()).isEmpty();
        }
        assertThat(dev.resolve("null")).doesNotExist();
        FileTrees.deleteTree(out);
        FileTrees.deleteTree(dev);
        Files.delete(kept);
        sh("rm -rf /tmp/odd");
    }

    @Test
    void theCpRuleHoldsAtTheHelper_fileIntoDirectory_directoryNests_clashesAreRefusedAndLeaveNothing() throws Exception {
        Path src = Files.createDirectories(BED.work().resolve("rule/build/sub"));
        Files.writeString(src.resolve("f.txt"), "deep");
        Path build = src.getParent();
        sh("rm -rf /tmp/rule && mkdir /tmp/rule && echo plain > /tmp/rule/plain");
        box.upload(build, "/tmp/rule");
        box.upload(build.resolve("sub/f.txt"), "/tmp/rule/");
        assertThat(sh("cd /tmp/rule && find . | sort").stdout()).isEqualTo(".\n./build\n./build/sub\n./build/sub/f.txt\n./f.txt\n./plain\n");
        assertThatThrownBy(() -> box.upload(build, "/tmp/rule/plain"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("/tmp/rule/plain is not a directory");
        // A file onto the directory of its own name inside the destination: EISDIR, nothing changed.
        sh("mkdir -p /tmp/rule/into/f.txt");
        assertThatThrownBy(() -> box.upload(build.resolve("sub/f.txt"), "/tmp/rule/into"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("/tmp/rule/into/f.txt is a directory");
        assertThatThrownBy(() -> box.upload(build, "/tmp/rule/plain/"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        assertThatThrownBy(() -> box.upload(build, "/tmp/rule/missing/"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("a destination ending in '/' must be an existing directory");
        assertThat(sh("cd /tmp/rule && find . | sort").stdout()).isEqualTo(".\n./build\n./build/sub\n./build/sub/f.txt\n./f.txt\n./into\n./into/f.txt\n./plain\n");
        assertThat(sh("cat /tmp/rule/plain").stdout()).isEqualTo("plain\n");
        // A link at the destination is not a directory: a directory is refused there, and the link's target stays empty.
        sh("mkdir /tmp/rule/target && ln -s /tmp/rule/target /tmp/rule/link");
        assertThatThrownBy(() -> box.upload(build, "/tmp/rule/link"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        assertThat(sh("ls -A /tmp/rule/target").stdout()).isEmpty();
        sh("rm -rf /tmp/rule");
        FileTrees.deleteTree(BED.work().resolve("rule"));
    }

    @Test
    void magicLinksToAnotherProcesssFilesAreNotFollowedEitherWay() throws Exception {
        Path hostDir = Files.createDirectories(BED.work().resolve("host-only"));
        Files.writeString(hostDir.resolve("secret.txt"), "host secret");
        ContainerProcess anchor = box.spawn(ProcessSpec.of("/bin/sleep", "60"));
        // A process inside the container's PID namespace that holds host files, as PID 1 did (issue 12,
        // item 1) or as anything holding an fd from open_by_handle_at would: its root, cwd and fd 3 are
        // the host's.
        Process holder = new ProcessBuilder("/bin/sh", "-c", "exec 3<\"$0\"; cd \"$0\"; exec nsenter -t " + anchor.pid()
                + " -p -- /bin/sleep 60", hostDir.toString()).start();
        try {
            String nsPid = containerPidOfChild(holder);
            assertThat(sh("cat /proc/" + nsPid + "/cmdline | tr '\\0' ' '").stdout()).startsWith("/bin/sleep 60");

            for (String via : List.of("/proc/" + nsPid + "/cwd", "/proc/" + nsPid + "/fd/3", "/proc/" + nsPid + "/root" + hostDir)) {
                Path got = BED.work().resolve("stolen");
                assertThatThrownBy(() -> box.download(via + "/secret.txt", got))
                        .as(via).isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                        .hasMessageContaining("link");
                assertThat(got).as(via).doesNotExist();

                Path payload = Files.writeString(BED.work().resolve("payload.txt"), "planted");
                assertThatThrownBy(() -> box.upload(payload, via + "/planted.txt"))
                        .as(via).isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED));
                assertThat(hostDir.resolve("planted.txt")).as(via).doesNotExist();
            }
            // Ordinary links in the container still resolve inside its root.
            sh("mkdir -p /tmp/real && echo inside > /tmp/real/f && ln -sfn /tmp/real /tmp/alias");
            box.download("/tmp/alias/f", BED.work().resolve("via-alias"));
            assertThat(Files.readString(BED.work().resolve("via-alias"))).isEqualTo("inside\n");
        } finally {
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly().waitFor();
            anchor.destroyForcibly();
            anchor.waitFor();
        }
    }

    @Test
    void downloadsDropSetuidAndContainerOwners() throws Exception {
        sh("echo x > /tmp/suid && chown 0:0 /tmp/suid && chmod 4755 /tmp/suid"
                + " && echo y > /tmp/sgid && chown 1234:1234 /tmp/sgid && chmod 2775 /tmp/sgid"
                + " && mkdir -p /tmp/sdir && chown 1234:1234 /tmp/sdir && chmod 2775 /tmp/sdir && ln -sfn /etc /tmp/sdir/l && chown -h 1234:1234 /tmp/sdir/l");
        box.download("/tmp/suid", BED.work().resolve("suid"));
        box.download("/tmp/sgid", BED.work().resolve("sgid"));
        box.download("/tmp/sdir", BED.work().resolve("sdir"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(BED.work().resolve("suid")))).isEqualTo("rwxr-xr-x");
        assertThat(mode(BED.work().resolve("suid"))).isEqualTo(0755);
        assertThat(mode(BED.work().resolve("sgid"))).isEqualTo(0775);
        assertThat(mode(BED.work().resolve("sdir"))).isEqualTo(0775);
        for (String name : List.of("sgid", "sdir", "sdir/l")) {
            assertThat(Files.getAttribute(BED.work().resolve(name), "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(name).isEqualTo(0);
            assertThat(Files.getAttribute(BED.work().resolve(name), "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(name).isEqualTo(0);
        }
        // Uploads keep what the host side had: the caller chose those files.
        sh("rm -rf /tmp/sgid-back");
        box.upload(BED.work().resolve("sgid"), "/tmp/sgid-back");
        assertThat(sh("stat -c '%a %u' /tmp/sgid-back").stdout().trim()).isEqualTo("775 0");

        // Owners are kept only when asked (helper flag --keep-owners); set-id bits never.
        Path helper = Path.of("target/classes/dev/containerv/linux/native/linux-" + System.getProperty("os.arch") + "/containerv-helper");
        ContainerProcess anchor = box.spawn(ProcessSpec.of("/bin/sleep", "60"));
        try {
            Process p = new ProcessBuilder(helper.toString(), "copy", "download", "--pid", Long.toString(anchor.pid()),
                    "--container", "/tmp/sgid", "--host", BED.work().resolve("sgid-owned").toString(), "--keep-owners").start();
            String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(line).isZero();
            assertThat(Files.getAttribute(BED.work().resolve("sgid-owned"), "unix:uid")).isEqualTo(1234);
            assertThat(mode(BED.work().resolve("sgid-owned"))).isEqualTo(0775);
        } finally {
            anchor.destroyForcibly();
            anchor.waitFor();
        }
        sh("rm -rf /tmp/suid /tmp/sgid /tmp/sdir /tmp/sgid-back");
    }

    @Test
    void aTreeDeeperThanTheWalkFailsClearlyAndLeavesNothingEitherWay() throws Exception {
        String deep = "d/".repeat(1000);
        sh("mkdir -p /tmp/deep/" + deep + " && echo bottom > /tmp/deep/" + deep + "f && echo top > /tmp/deep/top.txt");
        Path dl = BED.work().resolve("deep-down");
        assertThatThrownBy(() -> box.download("/tmp/deep", dl))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT))
                .hasMessageContaining("too deep").hasMessageContaining("256");
        assertThat(dl).doesNotExist();

        // Merged into an existing directory: what was there stays, what the copy added goes.
        Path merge = Files.createDirectories(BED.work().resolve("merge"));
        Files.writeString(merge.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> box.download("/tmp/deep", merge))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT));
        try (Stream<Path> s = Files.list(merge)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("keep.txt");
        }

        Path up = Files.createDirectories(BED.work().resolve("deep-up").resolve(deep));
        Files.writeString(up.resolve("f"), "bottom");
        assertThatThrownBy(() -> box.upload(BED.work().resolve("deep-up"), "/tmp/deep-up"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT));
        assertThat(sh("test -e /tmp/deep-up && echo left || echo gone").stdout().trim()).isEqualTo("gone");

        // Within the documented depth the walk works.
        String ok = "e/".repeat(200);
        sh("mkdir -p /tmp/ok/" + ok + " && echo bottom > /tmp/ok/" + ok + "f");
        box.download("/tmp/ok", BED.work().resolve("ok"));
        assertThat(Files.readString(BED.work().resolve("ok").resolve(ok).resolve("f"))).isEqualTo("bottom\n");
        sh("rm -rf /tmp/deep /tmp/ok /tmp/deep-up");
    }

    /**
     * A download costs the host no more disk than the files cost the container: holes of a sparse file stay holes,
     * hard links to one file come out as links to one copy, and a file the container keeps growing is copied up to
     * the size it had when opened. Before, a 2 GiB sparse file became 2 GiB of zeros on the host and each of 64
     * links to one 4 MiB file became its own copy (the host's disk was the container's to fill).
     */
    @Test
    void aDownloadCostsTheHostNoMoreDiskThanTheFilesCostTheContainer() throws Exception {
        sh("rm -rf /tmp/amp && mkdir /tmp/amp && truncate -s 2G /tmp/amp/sparse && echo tail >> /tmp/amp/sparse"
                + " && dd if=/dev/zero of=/tmp/amp/big bs=1M count=4 2>/dev/null"
                + " && for i in $(seq 1 64); do ln /tmp/amp/big /tmp/amp/link$i; done");
        Path out = BED.work().resolve("amp");
        box.download("/tmp/amp", out);
        long sparseSize = 2L * 1024 * 1024 * 1024 + 5;
        assertThat(Files.size(out.resolve("sparse"))).isEqualTo(sparseSize);
        assertThat(allocatedBytes(out.resolve("sparse"))).as("blocks of the sparse copy").isLessThan(1L << 20);
        try (var in = Files.newInputStream(out.resolve("sparse"))) {
            in.skipNBytes(sparseSize - 5);
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("tail\n");
        }
        Object bigInode = Files.getAttribute(out.resolve("big"), "unix:ino");
        for (int i = 1; i <= 64; i++) {
            assertThat(Files.getAttribute(out.resolve("link" + i), "unix:ino")).as("link" + i).isEqualTo(bigInode);
        }
        assertThat(Files.getAttribute(out.resolve("big"), "unix:nlink")).isEqualTo(65);
        assertThat(Files.size(out.resolve("link64"))).isEqualTo(4L << 20);
        FileTrees.deleteTree(out);

        // Growing while copied: the copy stops at the size the file had when the helper opened it.
        ContainerProcess writer = box.spawn(ProcessSpec.of("/bin/sh", "-c", "yes 0123456789abcdef > /tmp/amp/grow"));
        try {
            Thread.sleep(300);
            box.download("/tmp/amp/grow", BED.work().resolve("grow"));
            long copied = Files.size(BED.work().resolve("grow"));
            long now = Long.parseLong(sh("stat -c %s /tmp/amp/grow").stdout().trim());
            assertThat(copied).isPositive().isLessThanOrEqualTo(now);
        } finally {
            writer.destroyForcibly();
            writer.waitFor();
            Files.deleteIfExists(BED.work().resolve("grow"));
        }
        sh("rm -rf /tmp/amp");
    }

    /**
     * Red team: a download walks a tree the container may change meanwhile. The container moves one 16 MiB file into
     * each subdirectory before the walk reads it (the escape probe watches the file with inotify and moves it on as
     * soon as the copy opens it), so a walk that copies what it meets wrote a copy per subdirectory of a file the
     * container had once (11 of 64 seen with 4 MiB). A file met again (same device and inode) is linked to its first
     * copy instead.
     */
    @Test
    void aFileTheContainerMovesAheadOfADownloadIsCopiedOnce() throws Exception {
        installProbe();
        // The probe must win a race with the copy to move the file ahead; on a loaded machine a round may see no move.
        String hops = "";
        for (int round = 0; round < 4; round++) {
            sh("rm -rf /tmp/hop /tmp/hop.ready && mkdir /tmp/hop && for i in $(seq 1 16); do mkdir /tmp/hop/s$i; done"
                    + " && dd if=/dev/urandom of=/tmp/hop-f bs=1M count=16 2>/dev/null");
            ContainerProcess hopper = box.spawn(ProcessSpec.of("/probe/escape-probe", "hop", "/tmp/hop", "/tmp/hop-f", "3"));
            Path out = BED.work().resolve("hop");
            try {
                for (int i = 0; i < 200 && box.exec(ProcessSpec.of("/bin/test", "-e", "/tmp/hop.ready")).exitCode() != 0; i++) {
                    Thread.sleep(25);
                }
                box.download("/tmp/hop", out);
                long copies;
                try (Stream<Path> s = Files.walk(out)) {
                    copies = s.filter(p -> p.getFileName().toString().equals("f")).count();
                }
                hopper.waitFor(10, TimeUnit.SECONDS);
                hops = new String(hopper.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (copies > 1) {
                    assertThat(inodes(out)).as("distinct files the download wrote (met %d times; %s)", copies, hops).isEqualTo(1);
                    return;
                }
            } finally {
                hopper.destroyForcibly();
                hopper.waitFor();
                FileTrees.deleteTree(out);
                sh("rm -rf /tmp/hop /tmp/hop.ready /tmp/hop-f");
            }
        }
        throw new AssertionError("the probe never moved the file ahead of the download in 4 rounds (last: " + hops + ")");
    }

    /**
     * Red team (held): the container turns a file into a FIFO and back while it is downloaded, over and over. A copy
     * that opened what it had statted as a file would meet the FIFO and wait for a writer for the helper's 30 minutes;
     * it opens without blocking and copies only what is still a regular file once open. Every download ends at once,
     * and the host never gets a FIFO.
     */
    @Test
    void aFileTurnedIntoAFifoWhileItIsDownloadedDoesNotHoldTheCopy() throws Exception {
        installProbe();
        sh("rm -rf /tmp/flip && mkdir /tmp/flip && echo x > /tmp/flip/f");
        ContainerProcess flipper = box.spawn(ProcessSpec.of("/probe/escape-probe", "fifo", "/tmp/flip", "f", "60"));
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            int downloads = 0;
            while (System.nanoTime() < end) {
                Path out = BED.work().resolve("flip-" + downloads++);
                var copy = pool.submit(() -> {
                    try {
                        box.download("/tmp/flip", out);
                    } catch (ContainerException e) {
                        // the entry vanished between two looks: refused, which is fine
                    }
                    return null;
                });
                copy.get(20, TimeUnit.SECONDS);
                if (Files.exists(out)) {
                    try (Stream<Path> s = Files.walk(out)) {
                        assertThat(s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).filter(p -> !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList())
                                .as("what download %d wrote besides files", downloads).isEmpty();
                    }
                    FileTrees.deleteTree(out);
                }
            }
            assertThat(downloads).isGreaterThan(1);
        } finally {
            pool.shutdownNow();
            // A copy held by a FIFO (the protection missing) waits for a writer even after the container is gone.
            ProcessHandle.allProcesses().filter(h -> h.info().commandLine().filter(c -> c.contains(" copy download ") && c.contains(BED.work().toString())).isPresent())
                    .forEach(ProcessHandle::destroyForcibly);
            flipper.destroyForcibly();
            flipper.waitFor();
            sh("rm -rf /tmp/flip");
        }
    }

    /** Uploads the escape probe (see {@code escape_probe.c}) to /probe/escape-probe. */
    private static void installProbe() {
        Path built = Path.of("target/native-test/test/escape-probe").toAbsolutePath();
        assertThat(built).as("built by make test (process-test-classes)").isExecutable();
        sh("mkdir -p /probe");
        box.upload(built, "/probe/escape-probe");
    }

    /** How many distinct regular files (inodes) a host tree holds. */
    private static long inodes(Path tree) throws IOException {
        try (Stream<Path> s = Files.walk(tree)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).map(p -> {
                try {
                    return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).distinct().count();
        }
    }

    private static long allocatedBytes(Path p) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).start();
        String[] f = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /** The PID, in the container's namespace, of the child nsenter started there. */
    private static String containerPidOfChild(Process nsenter) throws Exception {
        for (int i = 0; i < 200; i++) {
            for (ProcessHandle h : nsenter.descendants().toList()) {
                Path status = Path.of("/proc", Long.toString(h.pid()), "status");
                for (String l : Files.readAllLines(status)) {
                    if (l.startsWith("NSpid:")) {
                        String[] f = l.trim().split("\\s+");
                        if (f.length >= 3) {
                            return f[f.length - 1];
                        }
                    }
                }
            }
            Thread.sleep(25);
        }
        throw new AssertionError("nsenter started no child in the container's PID namespace");
    }
}
