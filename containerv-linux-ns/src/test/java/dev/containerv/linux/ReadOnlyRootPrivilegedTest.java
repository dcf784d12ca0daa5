package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.IdMapping;
import dev.containerv.api.Layer;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.containerv.linux.PrivilegedBed.LAYER_ROOT;
import static dev.containerv.linux.PrivilegedBed.assertGone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ContainerSpec.readOnlyRoot(true)} for real, as root and (through {@code RootlessSuitePrivilegedTest}) rootless:
 * the root refuses every write with EROFS and cannot be remounted writable from inside, tmpfs and read-write host
 * directory layers stay writable, nothing is made in the layer root, the rootfs on the host is left as it was, and a
 * mount point the read-only root lacks fails the create by name, leaving nothing behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadOnlyRootPrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRootOrRootless("cv-rofs-test");
    private static final String EROFS = "Read-only file system";

    private static String newId() {
        return "ro-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ExecResult sh(Container c, String script) {
        return c.exec(ProcessSpec.of("/bin/sh", "-c", script));
    }

    /** Every path of a tree with its size and modification time, to see that nothing on the host changed. */
    private static String snapshot(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.sorted().map(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    return root.relativize(p) + " " + a.size() + " " + a.lastModifiedTime().toMillis();
                } catch (IOException e) {
                    return root.relativize(p) + " " + e;
                }
            }).collect(Collectors.joining("\n"));
        }
    }

    @Test
    void writesToTheRootFailWithErofsWhileTmpfsAndReadWriteLayersStayWritable() throws Exception {
        Path rootfs = BED.rootfs();
        // The read-write layer's mount point must be in the read-only root already.
        Files.createDirectories(rootfs.resolve("out"));
        Path out = Files.createDirectories(BED.work().resolve("out-" + UUID.randomUUID()));
        String before = snapshot(rootfs);
        String id = newId();
        try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).rootfs(rootfs).readOnlyRoot(true)
                .layer(Layer.tmpfs("/tmp", "1M")).layer(Layer.hostDirectory(out, "/out", Access.READ_WRITE)).build())) {
            assertThat(LayerEntries.of(LAYER_ROOT, id)).as("no layer entries for a read-only root").isEmpty();
            for (String write : List.of("touch /x", "mkdir /newdir", "echo changed > /etc/marker", "touch /etc/new", "rm /etc/hostname",
                    "mkdir /home/tester/sub", "ln -s /x /link")) {
                ExecResult r = sh(c, write);
                assertThat(r.exitCode()).as(write).isNotZero();
                assertThat(r.stderr()).as(write).contains(EROFS);
            }
            // Not even the container's root user can make it writable again (default capabilities and seccomp).
            ExecResult remount = sh(c, "mount -o remount,rw / 2>&1; touch /x");
            assertThat(remount.exitCode()).as(remount.stdout()).isNotZero();
            assertThat(remount.stderr()).contains(EROFS);
            assertThat(sh(c, "awk '$5 == \"/\" {print $6}' /proc/self/mountinfo").stdout()).startsWith("ro,");
            // The writable places stay writable.
            assertThat(sh(c, "echo t > /tmp/f && cat /tmp/f").stdout()).isEqualTo("t\n");
            assertThat(sh(c, "echo o > /out/f && cat /out/f").stdout()).isEqualTo("o\n");
            assertThat(sh(c, "echo d > /dev/shm/f && cat /dev/shm/f").stdout()).isEqualTo("d\n");
            assertThat(sh(c, "cat /etc/marker").stdout()).isEqualTo("base\n");
        }
        assertThat(Files.readString(out.resolve("f"))).isEqualTo("o\n");
        assertThat(snapshot(rootfs)).as("the rootfs on the host").isEqualTo(before);
        assertGone(id);
    }

    @Test
    void aMountPointTheReadOnlyRootLacksFailsTheCreateByNameAndLeavesNothing() throws Exception {
        Path rootfs = BED.rootfs();
        assertThat(rootfs.resolve("missing")).doesNotExist();
        String before = snapshot(rootfs);
        String id = newId();
        assertThatThrownBy(() -> BED.runtime().create(ContainerSpec.builder().id(id).rootfs(rootfs).readOnlyRoot(true)
                .layer(Layer.tmpfs("/missing/deep", "1M")).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("read-only root")
                .hasMessageContaining("lacks /missing/deep")
                .hasMessageContaining("EROFS");
        assertThat(snapshot(rootfs)).isEqualTo(before);
        assertGone(id);
        // The same spec with a writable root makes the mount point in its writable layer.
        String writable = newId();
        try (Container c = BED.runtime().create(ContainerSpec.builder().id(writable).rootfs(rootfs)
                .layer(Layer.tmpfs("/missing/deep", "1M")).build())) {
            assertThat(sh(c, "touch /missing/deep/f && echo ok").stdout()).isEqualTo("ok\n");
        }
        assertGone(writable);
    }

    /** The files a NetworkSpec binds are mount points too: the test tree has no /etc/resolv.conf until the test writes one. */
    @Test
    void aNetworkSpecNeedsItsFilesInTheReadOnlyRoot() throws Exception {
        Assumptions.assumeFalse(BED.rootless(), "rootless linux-ns does not offer NETWORK_ADDRESSING");
        Path resolv = BED.rootfs().resolve("etc/resolv.conf");
        assertThat(resolv).doesNotExist();
        NetworkSpec net = NetworkSpec.builder().containerAddress("10.219.41.2/24").hostAddress("10.219.41.1").dns("10.219.41.1").build();
        ContainerSpec.Builder spec = ContainerSpec.builder().rootfs(BED.rootfs()).readOnlyRoot(true)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK).network(net);
        String id = newId();
        assertThatThrownBy(() -> BED.runtime().create(spec.id(id).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("lacks /etc/resolv.conf");
        assertThat(resolv).doesNotExist();
        assertGone(id);
        Files.writeString(resolv, "nameserver 192.0.2.1\n");
        try {
            String withFile = newId();
            try (Container c = BED.runtime().create(spec.id(withFile).build())) {
                assertThat(sh(c, "cat /etc/resolv.conf").stdout()).contains("10.219.41.1");
            }
            assertThat(resolv).hasContent("nameserver 192.0.2.1");
            assertGone(withFile);
        } finally {
            Files.delete(resolv);
        }
    }

    @Test
    void aLayeredRootIsAnOverlayOfItsLowersAloneAndReadOnly() throws Exception {
        Assumptions.assumeFalse(BED.rootless(), "rootless linux-ns does not offer LAYERED_ROOTFS");
        Path top = Files.createDirectories(BED.work().resolve("top-" + UUID.randomUUID()));
        Files.createDirectories(top.resolve("etc"));
        Files.writeString(top.resolve("etc/marker"), "top\n");
        String before = snapshot(top) + snapshot(BED.rootfs());
        String id = newId();
        try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).rootfsLayers(List.of(top, BED.rootfs()))
                .readOnlyRoot(true).build())) {
            assertThat(LayerEntries.of(LAYER_ROOT, id)).as("no layer entries for a read-only root").isEmpty();
            assertThat(sh(c, "cat /etc/marker; cat /etc/hostname").stdout()).isEqualTo("top\ntestkit\n");
            for (String write : List.of("touch /x", "echo changed > /etc/marker", "rm /etc/hostname")) {
                ExecResult r = sh(c, write);
                assertThat(r.exitCode()).as(write).isNotZero();
                assertThat(r.stderr()).as(write).contains(EROFS);
            }
        }
        assertThat(snapshot(top) + snapshot(BED.rootfs())).isEqualTo(before);
        assertGone(id);
    }

    /**
     * The host's own root, read-only. As root it is a read-only clone of the root mount, attached in the state directory
     * (the helper's own root directory never shows a mount stacked on it); rootless it is a composed view (an overlay per
     * top-level directory, on a tmpfs layer), whose root and overlays refuse writes once the view is set up.
     */
    @Test
    void theHostsOwnRootIsReadOnly() throws Exception {
        String id = newId();
        try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).rootfs(Path.of("/")).readOnlyRoot(true)
                .layer(Layer.tmpfs("/tmp", "1M")).build())) {
            for (String write : List.of("touch /x", "touch /etc/cv-rofs-" + id, "mkdir /usr/cv-rofs-" + id, "touch /root/x")) {
                ExecResult r = sh(c, write);
                assertThat(r.exitCode()).as(write).isNotZero();
                assertThat(r.stderr()).as(write).containsAnyOf(EROFS, "Permission denied");
            }
            assertThat(sh(c, "touch /etc/cv-rofs-" + id).stderr()).contains(EROFS);
            assertThat(sh(c, "echo t > /tmp/f && cat /tmp/f").stdout()).isEqualTo("t\n");
            assertThat(sh(c, "test -x /usr/bin/env && echo usr").stdout()).isEqualTo("usr\n");
        }
        assertThat(Path.of("/etc/cv-rofs-" + id)).doesNotExist();
        assertGone(id);
    }

    @Test
    void anIdMappedRootIsReadOnlyToo() throws Exception {
        Assumptions.assumeFalse(BED.rootless(), "id maps of subordinate ranges are checked by the rootless suite's own tests");
        IdMapping map = new IdMapping(0, 100000, 65536);
        String id = newId();
        try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).rootfs(BED.rootfs()).readOnlyRoot(true)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.IPC, Capability.USERS)
                .uidMappings(map).gidMappings(map).build())) {
            assertThat(LayerEntries.of(LAYER_ROOT, id)).isEmpty();
            // Seen through the maps: the rootfs's root-owned files belong to the container's root.
            assertThat(sh(c, "stat -c %u /etc/marker").stdout()).isEqualTo("0\n");
            ExecResult r = sh(c, "touch /x");
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.stderr()).contains(EROFS);
        }
        assertGone(id);
    }
}
