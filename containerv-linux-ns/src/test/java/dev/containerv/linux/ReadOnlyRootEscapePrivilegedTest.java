package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ExecResult;
import dev.containerv.api.IdMapping;
import dev.containerv.api.Layer;
import dev.containerv.api.PolicyProfile;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.SecurityPolicy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.containerv.linux.PrivilegedBed.PROBE_DIR;
import static dev.containerv.linux.PrivilegedBed.assertGone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Red team of {@code ContainerSpec.readOnlyRoot(true)}: {@code rofs-probe} (src/test/c/rofs_probe.c) tries, as root
 * inside with the default capabilities and filter, every write path it knows into the root (opens through
 * {@code /proc/<pid>/root} and magic links, truncate, fallocate, shared mappings, metadata, device nodes, hard links
 * out to a writable layer, renames and exchanges, remounts old and new API, a detached clone, umount): each must be
 * refused, and the rootfs on the host must be byte for byte, mode and owner what it was. As root and (through
 * {@code RootlessSuitePrivilegedTest}) rootless.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadOnlyRootEscapePrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRootOrRootless("cv-rofs-red");
    private static final String PROBE = "/probe/rofs-probe";

    private static String newId() {
        return "rr-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Every path of a tree with its type, mode, owner, size, time and (files) content digest. */
    static String snapshot(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.sorted().map(p -> {
                try {
                    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    String what = root.relativize(p) + " " + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)
                            + " " + a.owner() + ":" + a.group() + " " + a.size() + " " + a.lastModifiedTime().toMillis()
                            + " " + Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
                    return a.isRegularFile() ? what + " " + sha256(p) : what;
                } catch (IOException e) {
                    return root.relativize(p) + " " + e;
                }
            }).collect(Collectors.joining("\n"));
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the probe on a file and a directory of the root; asserts it tried everything and nothing worked. */
    private static void probeIsRefusedEverything(Container c, String file, String dir) {
        ExecResult r = c.exec(ProcessSpec.of(PROBE, file, dir, "/tmp"));
        assertThat(r.exitCode()).as("probe exit, stderr: %s", r.stderr()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).as("the probe's attempts").hasSizeGreaterThanOrEqualTo(40);
        assertThat(lines).as("writes into the read-only root that worked").noneMatch(l -> l.contains(" allowed"));
        // The file is still there, unchanged, seen from inside.
        assertThat(c.exec(ProcessSpec.of("/bin/cat", file)).stdout()).isEqualTo("base\n");
    }

    private static ContainerSpec.Builder spec(String id) {
        return ContainerSpec.builder().id(id).readOnlyRoot(true)
                .layer(Layer.hostDirectory(PROBE_DIR, "/probe", Access.READ_ONLY))
                .layer(Layer.tmpfs("/tmp", "1M"));
    }

    /** Root mode's USERS with container ids 0-65535 mapped to host ids 100000-165535 (uid and gid). */
    private static ContainerSpec.Builder idMapped(ContainerSpec.Builder b) {
        IdMapping map = new IdMapping(0, 100000, 65536);
        return b.capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.IPC, Capability.USERS)
                .uidMappings(map).gidMappings(map);
    }

    private static void requireProbe() throws IOException {
        assertThat(PROBE_DIR.resolve("rofs-probe")).as("built by make test (process-test-classes)").isExecutable();
        Files.createDirectories(BED.rootfs().resolve("probe"));
    }

    @Test
    void noWritePathChangesAReadOnlyRootfs() throws Exception {
        requireProbe();
        String before = snapshot(BED.rootfs());
        String id = newId();
        try (Container c = BED.runtime().create(spec(id).rootfs(BED.rootfs()).build())) {
            probeIsRefusedEverything(c, "/etc/marker", "/etc");
        }
        assertThat(snapshot(BED.rootfs())).as("the rootfs on the host").isEqualTo(before);
        assertGone(id);
    }

    @Test
    void noWritePathChangesALayeredReadOnlyRoot() throws Exception {
        Assumptions.assumeFalse(BED.rootless(), "rootless linux-ns does not offer LAYERED_ROOTFS");
        requireProbe();
        Path top = Files.createDirectories(BED.work().resolve("top-" + UUID.randomUUID()));
        Files.createDirectories(top.resolve("opt/d"));
        Files.writeString(top.resolve("opt/marker"), "base\n");
        String before = snapshot(top) + snapshot(BED.rootfs());
        String id = newId();
        try (Container c = BED.runtime().create(spec(id).rootfsLayers(List.of(top, BED.rootfs())).build())) {
            probeIsRefusedEverything(c, "/opt/marker", "/opt/d");
            probeIsRefusedEverything(c, "/etc/marker", "/etc");
        }
        assertThat(snapshot(top) + snapshot(BED.rootfs())).isEqualTo(before);
        assertGone(id);
    }

    @Test
    void noWritePathChangesAnIdMappedReadOnlyRoot() throws Exception {
        Assumptions.assumeFalse(BED.rootless(), "id maps of subordinate ranges are checked by the rootless suite's own tests");
        requireProbe();
        String before = snapshot(BED.rootfs());
        String id = newId();
        try (Container c = BED.runtime().create(idMapped(spec(id).rootfs(BED.rootfs())).build())) {
            probeIsRefusedEverything(c, "/etc/marker", "/etc");
        }
        assertThat(snapshot(BED.rootfs())).isEqualTo(before);
        assertGone(id);
    }

    /**
     * A read-only root is attached on the rootfs directory itself, so its layers' mount points are looked up from
     * there: a symbolic link of the image at a layer's container path is followed inside the root (an absolute
     * {@code /etc} is the root's {@code /etc}; {@code ../..} stops at the root), never on the host, and the layer
     * lands there, the rootfs untouched.
     */
    @Test
    void aLinkOfTheImageAtALayersPathIsFollowedInsideTheRoot() throws Exception {
        Path rootfs = BED.rootfs();
        Path up = Files.createDirectories(BED.work().resolve("victim-" + UUID.randomUUID()));
        Files.writeString(up.resolve("host-file"), "host\n");
        Files.createSymbolicLink(rootfs.resolve("abs-link"), Path.of("/etc"));
        Files.createSymbolicLink(rootfs.resolve("up-link"), Path.of("../../../../../../../.." + up));
        Path out = Files.createDirectories(BED.work().resolve("out-" + UUID.randomUUID()));
        String before = snapshot(rootfs);
        String hostBefore = snapshot(up);
        String id = newId();
        try {
            try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).rootfs(rootfs).readOnlyRoot(true)
                    .layer(Layer.hostDirectory(out, "/abs-link", Access.READ_WRITE)).build())) {
                assertThat(c.exec(ProcessSpec.of("/bin/sh", "-c", "echo w > /etc/f && cat /abs-link/f; test -e /etc/marker || echo covered"))
                        .stdout()).isEqualTo("w\ncovered\n");
            }
            assertThat(Files.readString(out.resolve("f"))).isEqualTo("w\n");
            assertGone(id);
            // ../.. stops at the root: the host directory's path is not in the rootfs (the link dangles there), so the create fails.
            String second = newId();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> BED.runtime().create(ContainerSpec.builder().id(second)
                    .rootfs(rootfs).readOnlyRoot(true).layer(Layer.tmpfs("/up-link", "1M")).build()))
                    .isInstanceOf(dev.containerv.api.ContainerException.class).hasMessageContaining("up-link");
            assertGone(second);
            assertThat(snapshot(rootfs)).isEqualTo(before);
            assertThat(snapshot(up)).isEqualTo(hostBefore);
        } finally {
            Files.deleteIfExists(rootfs.resolve("abs-link"));
            Files.deleteIfExists(rootfs.resolve("up-link"));
        }
    }

    /** The host side's copies cannot write the read-only root either: an upload there fails by name, one to a tmpfs works. */
    @Test
    void anUploadIntoTheReadOnlyRootFailsAndChangesNothing() throws Exception {
        requireProbe();
        Path src = Files.writeString(BED.work().resolve("up-" + UUID.randomUUID()), "changed\n");
        String before = snapshot(BED.rootfs());
        String id = newId();
        try (Container c = BED.runtime().create(spec(id).rootfs(BED.rootfs()).build())) {
            for (String to : List.of("/etc/marker", "/etc/new", "/")) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.upload(src, to)).as(to)
                        .isInstanceOf(dev.containerv.api.ContainerException.class).hasMessageContaining("EROFS");
            }
            c.upload(src, "/tmp/f");
            assertThat(c.exec(ProcessSpec.of("/bin/cat", "/tmp/f", "/etc/marker")).stdout()).isEqualTo("changed\nbase\n");
        }
        assertThat(snapshot(BED.rootfs())).isEqualTo(before);
        assertGone(id);
    }

    /**
     * The host's own root, read-only: as root a read-only clone of the root mount, rootless a composed view (overlays per
     * top-level directory on a tmpfs layer) made read-only after its setup. The victim is a file of the host seen in
     * the view (on the root file system as root: the clone shows no mount below it).
     */
    @Test
    void noWritePathChangesTheHostsOwnReadOnlyRoot() throws Exception {
        assertThat(PROBE_DIR.resolve("rofs-probe")).isExecutable();
        Path victim = BED.rootless() ? BED.work().resolve("victim-" + UUID.randomUUID())
                : Path.of("/var/tmp/cv-rofs-" + UUID.randomUUID());
        Files.createDirectories(victim.resolve("d"));
        Files.writeString(victim.resolve("f"), "base\n");
        String id = newId();
        try {
            String before = snapshot(victim);
            // The probe's mount point lies in the tmpfs layer: the host's root has no /probe. /mnt, not /tmp, which holds
            // the rootless user's files.
            try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).readOnlyRoot(true).rootfs(Path.of("/"))
                    .layer(Layer.tmpfs("/mnt", "1M"))
                    .layer(Layer.hostDirectory(PROBE_DIR, "/mnt/probe", Access.READ_ONLY)).build())) {
                ExecResult r = c.exec(ProcessSpec.of("/mnt/probe/rofs-probe", victim + "/f", victim + "/d", "/mnt"));
                assertThat(r.exitCode()).as("probe exit, stderr: %s", r.stderr()).isZero();
                List<String> lines = r.stdout().lines().toList();
                assertThat(lines).as("the probe's attempts").hasSizeGreaterThanOrEqualTo(40);
                assertThat(lines).as("writes into the read-only root that worked").noneMatch(l -> l.contains(" allowed"));
                assertThat(lines).as("refused by the mount, not by permissions").contains("open-wronly " + victim + "/f blocked EROFS");
            }
            assertThat(snapshot(victim)).as("the host's files").isEqualTo(before);
            assertGone(id);
        } finally {
            dev.containerv.spi.FileTrees.deleteTree(victim);
        }
    }

    /**
     * The writable view of the host's root is an overlay, through which no Unix socket of the host connects and no
     * lock reaches the host's file; the read-only one must not be a way around that (a bind of {@code /} would be), nor
     * show containerv's own layer root.
     */
    @Test
    void theHostsSocketsAndContainervsOwnFilesStayOutOfReachOfAReadOnlyHostRoot() throws Exception {
        Assumptions.assumeFalse(BED.rootless(), "rootless, the view is an overlay per top-level directory (linux-provider.md)");
        PrivilegedBed.requireEscapeProbe();
        Path dir = Files.createDirectories(Path.of("/var/tmp/cv-rofs-sock-" + UUID.randomUUID()));
        String socket = dir.resolve("s").toString();
        Process listener = new ProcessBuilder(PROBE_DIR.resolve("escape-probe").toString(), "listen", socket, "60").start();
        // Something of containerv's own that must not show inside (the layer root is on the root file system here).
        Path marker = Files.createDirectories(PrivilegedBed.LAYER_ROOT.resolve("rr-marker-" + UUID.randomUUID().toString().substring(0, 8)));
        try {
            String ready = new java.io.BufferedReader(new java.io.InputStreamReader(listener.getInputStream())).readLine();
            assertThat(ready).isEqualTo("listening " + socket);
            for (int variant = 0; variant < 3; variant++) {
                boolean readOnly = variant > 0;
                String id = newId();
                ContainerSpec.Builder b = ContainerSpec.builder().id(id).readOnlyRoot(readOnly).rootfs(Path.of("/"))
                        .layer(Layer.tmpfs("/mnt", "1M"))
                        .layer(Layer.hostDirectory(PROBE_DIR, "/mnt/probe", Access.READ_ONLY));
                if (variant == 2) {
                    idMapped(b);
                }
                try (Container c = BED.runtime().create(b.build())) {
                    ExecResult r = c.exec(ProcessSpec.of("/mnt/probe/escape-probe", "unix", socket));
                    assertThat(r.stdout().strip()).as("variant %s: %s", variant, r.stderr()).startsWith("unix " + socket + " blocked");
                    if (readOnly) {
                        ExecResult w = c.exec(ProcessSpec.of("/bin/sh", "-c", "touch " + dir + "/x"));
                        assertThat(w.stderr()).as("variant %s", variant).contains("Read-only file system");
                    }
                    ExecResult layers = c.exec(ProcessSpec.of("/bin/sh", "-c", "ls -A " + PrivilegedBed.LAYER_ROOT + " 2>&1 | head -3"));
                    assertThat(layers.stdout()).as("variant %s: containerv's layer root inside", variant)
                            .doesNotContain(marker.getFileName().toString());
                }
                assertGone(id);
            }
        } finally {
            listener.destroyForcibly();
            listener.waitFor();
            dev.containerv.spi.FileTrees.deleteTree(dir);
            Files.deleteIfExists(marker);
        }
    }

    /**
     * With USERS the kernel locks the read-only flag of every mount of the setup (the mount namespace is copied into
     * the container's user namespace): even root inside with SYS_ADMIN added and the whole mount family allowed by a
     * policy cannot make the root writable, remount it, clone it writable or unmount it. It may still open a
     * superblock context ({@code fspick}, {@code fsconfig} flags) and a new overlay's ({@code fsopen}), which change
     * nothing until a reconfigure or mount that the kernel then refuses. (Without USERS, SYS_ADMIN is root of the
     * host: {@code mount_setattr} clears the flag; docs/linux-provider.md says so.)
     */
    @Test
    void withUsersNotEvenSysAdminAndTheMountFamilyMakeTheRootWritable() throws Exception {
        Assumptions.assumeFalse(BED.rootless(), "root mode's USERS (the rootless user namespace is the container's own)");
        requireProbe();
        String before = snapshot(BED.rootfs());
        String id = newId();
        try (Container c = BED.runtime().create(idMapped(spec(id).rootfs(BED.rootfs()))
                .extension(LinuxOptions.builder().addCapabilities("SYS_ADMIN").build())
                .policy(SecurityPolicy.builder(PolicyProfile.BUILD).allowPaths(Access.READ_WRITE, "/")
                        .allowSyscalls("mount", "umount2", "mount_setattr", "fspick", "fsconfig", "open_tree", "fsopen",
                                "fsmount", "move_mount").build())
                .build())) {
            ExecResult r = c.exec(ProcessSpec.of(PROBE, "/etc/marker", "/etc", "/tmp"));
            assertThat(r.exitCode()).as("probe exit, stderr: %s", r.stderr()).isZero();
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines).as("the probe's attempts").hasSizeGreaterThanOrEqualTo(40)
                    .contains("mount_setattr-clear-rdonly / blocked EPERM", "fsconfig-reconfigure / blocked EPERM");
            assertThat(lines).as("writes into the read-only root that worked")
                    .filteredOn(l -> !l.startsWith("fspick ") && !l.startsWith("fsconfig-rw ") && !l.startsWith("fsopen-overlay "))
                    .noneMatch(l -> l.contains(" allowed"));
        }
        assertThat(snapshot(BED.rootfs())).isEqualTo(before);
        assertGone(id);
    }
}
