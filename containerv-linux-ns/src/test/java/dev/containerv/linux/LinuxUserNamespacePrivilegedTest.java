package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.IdMapping;
import dev.containerv.api.Layer;
import dev.containerv.api.ProcessSpec;
import dev.containerv.spi.FileTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.containerv.linux.PrivilegedBed.assertGone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * User namespaces for real (issue 14's acceptance): root, a busybox rootfs owned by host root, uid and gid maps
 * 0 -> 100000 (65536 ids), the helper built by this module.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LinuxUserNamespacePrivilegedTest {
    private static final IdMapping MAP = new IdMapping(0, 100000, 65536);
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-userns-test");

    private static String newId() {
        return "u-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ContainerSpec.Builder spec(String id) {
        return ContainerSpec.builder().id(id).rootfs(BED.rootfs())
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.IPC, Capability.NETWORK, Capability.USERS)
                .uidMappings(MAP).gidMappings(MAP);
    }

    private static ExecResult sh(Container c, String script) {
        ExecResult r = c.exec(ProcessSpec.of("/bin/sh", "-c", script));
        assertThat(r.exitCode()).as("exit of %s (stderr %s)", script, r.stderr()).isZero();
        return r;
    }

    private static int hostId(Path p, String attr) throws IOException {
        return (int) Files.getAttribute(p, "unix:" + attr, LinkOption.NOFOLLOW_LINKS);
    }

    private static String statusField(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith(field + ":"))
                .findFirst().orElseThrow().substring(field.length() + 1).trim();
    }

    @Test
    void rootInsideIsTheMappedIdOnTheHostAndTheMapsReadExactlyAsTheSpecSays() throws Exception {
        String id = newId();
        Path rw = Files.createDirectory(BED.work().resolve("rw-" + id));
        Files.setPosixFilePermissions(rw, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (Container c = BED.runtime().create(spec(id).layer(Layer.hostDirectory(rw, "/out", Access.READ_WRITE)).build())) {
            assertThat(sh(c, "id -u; id -g").stdout()).isEqualTo("0\n0\n");
            // The kernel pads the columns: compare the exact text, then the columns in order (inside, outside, count;
            // the original library swapped the first two).
            String uidMap = sh(c, "cat /proc/self/uid_map").stdout();
            assertThat(uidMap).isEqualTo(String.format("%10d %10d %10d%n", 0, 100000, 65536));
            assertThat(uidMap.trim().split("\\s+")).containsExactly("0", "100000", "65536");
            assertThat(sh(c, "cat /proc/self/gid_map").stdout().trim().split("\\s+")).containsExactly("0", "100000", "65536");

            ContainerProcess sleeper = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
            try {
                assertThat(statusField(sleeper.pid(), "Uid").split("\\s+")).containsOnly("100000");
                assertThat(statusField(sleeper.pid(), "Gid").split("\\s+")).containsOnly("100000");
            } finally {
                sleeper.destroyForcibly();
                sleeper.waitFor();
            }

            // The base rootfs is owned by host root and appears owned by the container's root, unchanged on disk.
            assertThat(sh(c, "stat -c %u:%g /etc/marker /bin/busybox /").stdout()).isEqualTo("0:0\n0:0\n0:0\n");
            assertThat(hostId(BED.rootfs().resolve("etc/marker"), "uid")).isZero();
            // A file the container writes into its read-write bind belongs to 100000 on the host; one in its own layer too.
            sh(c, "echo hi > /out/made && echo hi > /made-in-layer && mkdir /dir-in-layer");
            assertThat(hostId(rw.resolve("made"), "uid")).isEqualTo(100000);
            assertThat(hostId(rw.resolve("made"), "gid")).isEqualTo(100000);
            assertThat(sh(c, "stat -c %u:%g /out/made /made-in-layer /dir-in-layer").stdout()).isEqualTo("0:0\n0:0\n0:0\n");
            // Set-id files made by the container's root, new or copied up from the host-root-owned base (busybox), belong
            // to 100000 in the writable layer on the host: nothing there is setuid host root.
            sh(c, "chmod 4755 /bin/busybox /made-in-layer");
            Path upper = Path.of("/var/lib/containerv", id, "upper");
            for (String f : new String[] {"bin/busybox", "made-in-layer"}) {
                assertThat(hostId(upper.resolve(f), "uid")).as(f).isEqualTo(100000);
                assertThat(hostId(upper.resolve(f), "gid")).as(f).isEqualTo(100000);
                assertThat((int) Files.getAttribute(upper.resolve(f), "unix:mode") & 04000).as(f).isEqualTo(04000);
            }
            assertThat(hostId(BED.rootfs().resolve("bin/busybox"), "uid")).isZero();
            assertThat((int) Files.getAttribute(BED.rootfs().resolve("bin/busybox"), "unix:mode") & 04000).isZero();
            // The devices and the container's own tmpfs belong to its root too; /dev/null works.
            assertThat(sh(c, "stat -c %u /dev /dev/null /dev/shm; echo x > /dev/null && echo ok").stdout()).isEqualTo("0\n0\n0\nok\n");
        }
        assertGone(id);
        FileTrees.deleteTree(rw);
    }

    @Test
    void aReadOnlyLayerIsSeenThroughTheMapsAndStaysLockedEvenForRootWithEveryCapability() throws Exception {
        String id = newId();
        Path ro = Files.createDirectory(BED.work().resolve("ro-" + id));
        Files.writeString(ro.resolve("data"), "host\n");
        try (Container c = BED.runtime().create(spec(id).layer(Layer.hostDirectory(ro, "/ro", Access.READ_ONLY)).build())) {
            assertThat(sh(c, "stat -c %u:%g /ro/data; cat /ro/data").stdout()).isEqualTo("0:0\nhost\n");
            assertThat(c.exec(ProcessSpec.of("/bin/sh", "-c", "echo x > /ro/data")).exitCode()).isNotZero();
            // Root of the container's user namespace with every capability and no seccomp filter (nsenter from the
            // host, into the namespaces of a container process): the setup's mounts are locked by the kernel.
            ContainerProcess sleeper = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
            try {
                String pid = Long.toString(sleeper.pid());
                List<String> enter = List.of("nsenter", "-t", pid, "-U", "-m", "-p", "-S", "0", "-G", "0", "-r", "-w", "--");
                assertThat(run(enter, "/bin/sh", "-c", "grep CapEff /proc/self/status")).contains("000001ffffffffff");
                // It may mount in its own mount namespace (a fresh tmpfs works), so what refuses below is the lock.
                assertThat(run(enter, "/bin/sh", "-c", "mkdir -p /scratch && mount -t tmpfs t /scratch && echo mounted; umount /scratch")).contains("mounted");
                assertThat(run(enter, "/bin/sh", "-c", "mount -o remount,rw,bind /ro; echo rc=$?")).contains("rc=1");
                assertThat(run(enter, "/bin/sh", "-c", "umount /ro; echo rc=$?")).contains("rc=1");
                assertThat(run(enter, "/bin/sh", "-c", "umount /proc/kcore 2>/dev/null; umount /dev/null; echo rc=$?")).contains("rc=1");
                assertThat(run(enter, "/bin/sh", "-c", "echo x > /ro/data; echo rc=$?")).contains("rc=1");
            } finally {
                sleeper.destroyForcibly();
                sleeper.waitFor();
            }
            assertThat(Files.readString(ro.resolve("data"))).isEqualTo("host\n");
        }
        assertGone(id);
    }

    private static String run(List<String> prefix, String... cmd) throws Exception {
        List<String> all = new java.util.ArrayList<>(prefix);
        all.addAll(List.of(cmd));
        Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void processSpecUserIsResolvedInsideAndRunsAsItsMappedIds() throws Exception {
        String id = newId();
        try (Container c = BED.runtime().create(spec(id).build())) {
            ExecResult r = c.exec(ProcessSpec.builder("/bin/sh", "-c", "id -u; id -g; id -G").user("builder").build());
            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout().lines().toList()).startsWith("1000", "1000");
            assertThat(r.stdout().lines().toList().get(2).split(" ")).contains("1000", "10");
            ContainerProcess p = c.spawn(ProcessSpec.builder("/bin/sleep", "30").user("builder").build());
            try {
                assertThat(statusField(p.pid(), "Uid").split("\\s+")).containsOnly("101000");
                assertThat(statusField(p.pid(), "Groups").split("\\s+")).contains("101000", "100010");
            } finally {
                p.destroyForcibly();
                p.waitFor();
            }
        }
        assertGone(id);
    }

    @Test
    void anUploadTakesTheMappedOwnerOfItsParentAndADownloadBelongsToTheCaller() throws Exception {
        String id = newId();
        Path src = Files.createDirectory(BED.work().resolve("up-" + id));
        Files.writeString(src.resolve("a.txt"), "A\n");
        Files.createDirectory(src.resolve("sub"));
        Files.writeString(src.resolve("sub/b.txt"), "B\n");
        try (Container c = BED.runtime().create(spec(id).build())) {
            c.upload(src, "/tmp/up");
            assertThat(sh(c, "stat -c %u:%g /tmp/up /tmp/up/a.txt /tmp/up/sub/b.txt").stdout()).isEqualTo("0:0\n0:0\n0:0\n");
            sh(c, "mkdir -p /home/builder/x && echo C > /home/builder/x/c.txt && chown -R 1000:1000 /home/builder/x");
            c.upload(src.resolve("a.txt"), "/home/builder/x/a.txt");
            assertThat(sh(c, "stat -c %u:%g /home/builder/x/a.txt").stdout()).isEqualTo("1000:1000\n");
            // Into an existing directory (cp -r: the source lands inside it), the parent is that directory: a tree
            // uploaded into the user's home belongs to the user, not to the owner of /home.
            c.upload(src, "/home/builder/x");
            assertThat(sh(c, "stat -c %u:%g /home/builder/x/" + src.getFileName() + " /home/builder/x/" + src.getFileName()
                    + "/sub/b.txt").stdout()).isEqualTo("1000:1000\n1000:1000\n");
            c.upload(src.resolve("a.txt"), "/home/builder/x/");
            assertThat(sh(c, "stat -c %u:%g /home/builder/x/a.txt").stdout()).isEqualTo("1000:1000\n");
            Path back = BED.work().resolve("down-" + id);
            c.download("/home/builder/x", back);
            assertThat(Files.readString(back.resolve("c.txt"))).isEqualTo("C\n");
            assertThat(hostId(back.resolve("c.txt"), "uid")).isZero(); // the caller's (root), not 101000
        }
        assertGone(id);
    }

    @Test
    void aReadOnlyLayerOnAFileSystemWithoutIdmappedMountsIsNotSupportedAndNothingIsChownedOrLeft() throws IOException {
        String id = newId();
        // sysfs has no idmapped mounts; nothing else here lacks them (ext4, tmpfs since 6.3).
        Path sys = Path.of("/sys/kernel");
        assertThatThrownBy(() -> BED.runtime().create(spec(id).layer(Layer.hostDirectory(sys, "/hostsys", Access.READ_ONLY)).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining(sys.toString()).hasMessageContaining("does not support idmapped mounts")
                .hasMessageContaining("mount_setattr").hasMessageContaining("EINVAL");
        assertGone(id);
    }

    @Test
    void mappingsThatLinuxNsCannotUseAreRefusedBeforeAnythingIsMade() {
        String id = newId();
        assertThatThrownBy(() -> BED.runtime().create(spec(id).uidMappings().gidMappings().build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("uidMappings");
        assertThatThrownBy(() -> BED.runtime().create(spec(id).uidMappings(new IdMapping(1, 100000, 10)).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("container id 0");
        assertThat(Path.of("/run/containerv").resolve(id)).doesNotExist();
    }

    @Test
    void aMappingToTheHostsRootIsRefusedAndNothingIsLeft() throws IOException {
        String id = newId();
        assertThatThrownBy(() -> BED.runtime().create(spec(id).uidMappings(new IdMapping(0, 0, 65536)).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("uidMappings").hasMessageContaining("hostStart=0").hasMessageContaining("leaves out host id 0");
        assertGone(id);
        assertThatThrownBy(() -> BED.runtime().create(spec(id).gidMappings(new IdMapping(0, 100000, 10), new IdMapping(10, 0, 1)).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("gidMappings").hasMessageContaining("maps container id 10 to the host's root");
        assertGone(id);
    }
}
