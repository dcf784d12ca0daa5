package dev.containerv.linux;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ErrorKind;
import dev.containerv.linux.proc.Proc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rootless facts checked as a normal user; run by {@link RootlessSuitePrivilegedTest} in a JVM of a throw-away user
 * (not by Surefire: the name does not end in Test). Refuses to run as root, where it would prove nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RootlessChecks {
    /** The Debian tree the parent made as root (debootstrap needs root). */
    static final String DEBIAN_PROPERTY = "containerv.test.debian";
    /** Why the parent has no Debian tree. */
    static final String DEBIAN_MISSING_PROPERTY = "containerv.test.debianMissing";
    /** {@code <start>:<count>} of the subordinate uid range the parent gave this user in /etc/subuid. */
    static final String SUBUID_PROPERTY = "containerv.test.subuid";
    /** {@code <start>:<count>} of the user's range in /etc/subgid. */
    static final String SUBGID_PROPERTY = "containerv.test.subgid";

    @BeforeAll
    void unprivileged() throws IOException {
        assertThat(Proc.HOST.euid()).as("the rootless checks must run as a normal user").isNotZero();
    }

    @Test
    void thisJvmHasNoCapabilityAtAll() throws IOException {
        String status = Files.readString(Path.of("/proc/self/status"));
        assertThat(status).containsPattern("(?m)^CapEff:\\s+0+$").containsPattern("(?m)^CapPrm:\\s+0+$");
        assertThat(status).doesNotContainPattern("(?m)^Uid:.*\\b0\\b");
    }

    @Test
    void theDefaultRootsAreTheUsersOwnPlaces() {
        LinuxOptions defaults = LinuxOptions.defaults();
        assertThat(defaults.stateRoot()).isEqualTo(Path.of(System.getenv("XDG_RUNTIME_DIR"), "containerv"));
        assertThat(defaults.layerRoot()).isEqualTo(Path.of(System.getProperty("user.home"), ".local/share/containerv"));
    }

    @Test
    void aRootOfAnotherUserOrOpenToOthersIsRefusedNamingPathOwnerAndMode() throws IOException {
        // /usr/share belongs to root and is closed to others: fine for root, not this user's own.
        ContainerRuntime rootOwned = new LinuxNamespacesProvider().createRuntime(LinuxOptions.builder().stateRoot(Path.of("/usr/share")).build());
        assertThatThrownBy(rootOwned::list).isInstanceOfSatisfying(ContainerException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("state root /usr/share", "owned by uid 0", "mode 0755");
        });
        Path open = Files.createTempDirectory("open-root");
        try {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
            ContainerRuntime openRoot = new LinuxNamespacesProvider().createRuntime(LinuxOptions.builder().layerRoot(open).build());
            assertThatThrownBy(openRoot::list).isInstanceOfSatisfying(ContainerException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                assertThat(e.getMessage()).contains("layer root " + open, "writable by group and others", "mode 0777");
            });
        } finally {
            Files.delete(open);
        }
    }

    @Test
    void theProbeSaysAvailableInModeRootless() {
        var probe = new LinuxNamespacesProvider().probe();
        assertThat(probe.available()).as(probe.reason()).isTrue();
        assertThat(probe.reason()).contains("mode rootless");
    }

    /** The acceptance command: uid 0 inside, the container's host name, only the container's processes. */
    @Test
    void aContainerRunsWithUidZeroItsOwnHostNameAndOnlyItsOwnProcesses() {
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        try (var c = rt.create(dev.containerv.api.ContainerSpec.builder().rootfs(dev.containerv.testkit.TestRootfs.shared()).hostname("rootless-box").build())) {
            var r = c.exec(dev.containerv.api.ProcessSpec.of("/bin/sh", "-c", "id -u; hostname; ps -o pid,comm"));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            String[] lines = r.stdout().strip().split("\n");
            assertThat(lines[0]).isEqualTo("0");
            assertThat(lines[1]).isEqualTo("rootless-box");
            assertThat(lines.length).as(r.stdout()).isLessThanOrEqualTo(6);
        }
        assertThat(rt.list()).isEmpty();
    }

    /**
     * The default of {@code containerv run}: the host's own root, composed per top-level directory (a user namespace
     * refuses an overlay of "/" as a whole), writable privately, what the user cannot read empty.
     */
    @Test
    void theHostsOwnRootWorksWithAPrivateWritableLayer() throws IOException {
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        Path marker = Path.of("/etc/containerv-rootless-" + ProcessHandle.current().pid());
        try (var c = rt.create(dev.containerv.api.ContainerSpec.builder().rootfs(Path.of("/")).hostname("hostroot").build())) {
            var r = c.exec(dev.containerv.api.ProcessSpec.of("/bin/sh", "-c",
                    "id -u; hostname; ps -e -o pid= | awk '$1 > 20' | wc -l; echo x > " + marker + " && cat " + marker + "; ls -A /root | wc -l; test -x /usr/bin/env && echo usr"));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout().lines().map(String::strip).toList()).containsExactly("0", "hostroot", "0", "x", "0", "usr");
        }
        assertThat(marker).as("the write went to the container's layer, not the host").doesNotExist();
        assertThat(rt.list()).isEmpty();
    }

    /**
     * A Debian root file system made with debootstrap works rootless. Its files belong to host root, which is not
     * mapped (only this user is, to 0): they show as the overflow uid inside, so what needs to own them (apt-get
     * install: its sandbox user and chown) needs subordinate ids; reading and running them works, and so does writing
     * to a layer. Writing into the tree's own directories does not: overlayfs must copy a directory up with its owner,
     * which the user namespace cannot represent (EOVERFLOW).
     */
    @Test
    void aDebianRootFileSystemWorks() {
        String tree = System.getProperty(DEBIAN_PROPERTY);
        org.junit.jupiter.api.Assumptions.assumeTrue(tree != null, () -> "no Debian tree: " + System.getProperty(DEBIAN_MISSING_PROPERTY));
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        try (var c = rt.create(dev.containerv.api.ContainerSpec.builder().rootfs(Path.of(tree)).hostname("debian-box")
                .layer(dev.containerv.api.Layer.tmpfs("/work")).build())) {
            var r = c.exec(dev.containerv.api.ProcessSpec.of("/bin/sh", "-c",
                    ". /etc/os-release && echo $ID; id -u; hostname; dpkg-query -W -f='${Package}\\n' coreutils; echo built > /work/f && cat /work/f"));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout().lines().toList()).containsExactly("debian", "0", "debian-box", "coreutils", "built");
        }
    }

    /**
     * Without a cgroup v2 subtree delegated to this user (the rootless suite's JVM starts in root's cgroup), containers
     * get no cgroup, RESOURCE_LIMITS is not declared, and a limit is refused naming why and how to get delegation.
     */
    @Test
    void withoutADelegatedSubtreeLimitsAreRefusedNamingHowToGetOne() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.containerv.linux.rootless.CgroupDelegation.delegatedSubtree(
                dev.containerv.linux.cgroup.CgroupLayout.host(), Proc.HOST.euid()).isEmpty(), "this JVM runs in a delegated cgroup subtree");
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        assertThat(rt.features()).doesNotContain(dev.containerv.api.RuntimeFeature.RESOURCE_LIMITS);
        String id = "nolimits-" + ProcessHandle.current().pid();
        assertThatThrownBy(() -> rt.create(dev.containerv.api.ContainerSpec.builder().id(id).rootfs(dev.containerv.testkit.TestRootfs.shared())
                .limits(dev.containerv.api.ResourceLimits.builder().memoryMax("64M").build()).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                .hasMessageContaining("not delegated").hasMessageContaining("systemd-run --user --scope -p Delegate=yes");
        assertThat(rt.list()).doesNotContain(id);
    }

    /**
     * The overlay keeps its whiteouts and opaque directories in user.* xattrs (userxattr): without them a directory of
     * the image cannot be removed in a user namespace (EIO; the kernel log says "try mounting with 'userxattr'").
     */
    @Test
    void aDirectoryOfTheImageCanBeRemovedAndMadeAgainEmpty() {
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        try (var c = rt.create(dev.containerv.api.ContainerSpec.builder().rootfs(dev.containerv.testkit.TestRootfs.shared()).build())) {
            var r = c.exec(dev.containerv.api.ProcessSpec.of("/bin/sh", "-c", "rm -r /etc && mkdir /etc && ls -A /etc | wc -l"));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout().strip()).isEqualTo("0");
        }
    }

    /** The user's subordinate range of {@code property} as {@code {start, count}}; the test is skipped without one. */
    private static long[] range(String property) {
        String value = System.getProperty(property);
        org.junit.jupiter.api.Assumptions.assumeTrue(value != null, () -> "no subordinate range given (" + property + ")");
        String[] f = value.split(":");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    /** Container 0 is the user, container 1.. its subordinate range: what a normal user may map. */
    private static dev.containerv.api.ContainerSpec.Builder mapped(long[] subuid, long[] subgid) throws IOException {
        return dev.containerv.api.ContainerSpec.builder().rootfs(dev.containerv.testkit.TestRootfs.shared())
                .capabilities(dev.containerv.api.Capability.FILESYSTEM, dev.containerv.api.Capability.PROCESS_CONTROL, dev.containerv.api.Capability.USERS)
                .uidMappings(new dev.containerv.api.IdMapping(0, Proc.HOST.euid(), 1), new dev.containerv.api.IdMapping(1, subuid[0], subuid[1]))
                .gidMappings(new dev.containerv.api.IdMapping(0, Proc.HOST.egid(), 1), new dev.containerv.api.IdMapping(1, subgid[0], subgid[1]));
    }

    @Test
    void withSubordinateRangesTheRuntimeOffersUsersAndIdMapping() {
        range(SUBUID_PROPERTY);
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        assertThat(rt.capabilities()).contains(dev.containerv.api.Capability.USERS);
        assertThat(rt.features()).contains(dev.containerv.api.RuntimeFeature.ID_MAPPING);
        assertThat(new LinuxNamespacesProvider().probe().reason()).contains("uid/gid mappings (USERS)", "newuidmap/newgidmap");
    }

    /**
     * Subordinate ids through newuidmap/newgidmap: root inside is the user, the maps read exactly as the spec, a
     * process of another container user is the subordinate id on the host, and what each writes into a read-write
     * host directory and into the container's own layer belongs to its mapped host id.
     */
    @Test
    void subordinateIdsAreMappedByNewuidmapAndTheHostSeesThem() throws Exception {
        long[] subuid = range(SUBUID_PROPERTY);
        long[] subgid = range(SUBGID_PROPERTY);
        long uid = Proc.HOST.euid();
        long gid = Proc.HOST.egid();
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        Path shared = Files.createTempDirectory("rw-bind");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        String made = null;
        try (var c = rt.create(mapped(subuid, subgid).layer(dev.containerv.api.Layer.hostDirectory(shared, "/shared",
                dev.containerv.api.Access.READ_WRITE)).build())) {
            made = c.id();
            var r = c.exec(dev.containerv.api.ProcessSpec.of("/bin/sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map"));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout().lines().map(l -> String.join(" ", l.strip().split("\\s+"))).toList()).containsExactly("0", "0",
                    "0 " + uid + " 1", "1 " + subuid[0] + " " + subuid[1], "0 " + gid + " 1", "1 " + subgid[0] + " " + subgid[1]);
            // A process of container user tester (1000): the host sees the subordinate id 1000 maps to.
            var p = c.spawn(dev.containerv.api.ProcessSpec.builder("/bin/sh", "-c",
                    "id -u; id -g; echo t > /shared/by-tester; echo t > /tmp/by-tester; read x || true").user("tester").build());
            try {
                var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
                assertThat(out.readLine()).isEqualTo("1000");
                assertThat(out.readLine()).isEqualTo("1000");
                String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
                long hostUid = subuid[0] + 999;
                long hostGid = subgid[0] + 999;
                assertThat(status).containsPattern("(?m)^Uid:\\s+" + hostUid + "\\s+" + hostUid + "\\s+" + hostUid + "\\s+" + hostUid + "$")
                        .containsPattern("(?m)^Gid:\\s+" + hostGid + "\\s+" + hostGid + "\\s+" + hostGid + "\\s+" + hostGid + "$");
            } finally {
                p.getOutputStream().close();
                p.waitFor();
            }
            assertThat(p.exitValue()).isZero();
            assertThat(c.exec(dev.containerv.api.ProcessSpec.of("/bin/sh", "-c", "echo r > /shared/by-root && echo r > /by-root")).exitCode()).isZero();
            assertThat(owner(shared.resolve("by-tester"))).as("host owner of tester's file in the read-write bind").isEqualTo(subuid[0] + 999);
            assertThat(owner(shared.resolve("by-root"))).as("host owner of root's file in the read-write bind").isEqualTo(uid);
            // The writable layer: the upper dir (the user's, as container root) takes files of every mapped id.
            Path upper = dev.containerv.linux.state.StatePaths.upperOf(LinuxOptions.defaults().layerRoot().resolve(c.id()));
            assertThat(owner(upper.resolve("tmp/by-tester"))).as("host owner of tester's file in the writable layer").isEqualTo(subuid[0] + 999);
            assertThat(owner(upper.resolve("by-root"))).as("host owner of root's file in the writable layer").isEqualTo(uid);
            // An upload takes the owner of its destination's parent (/tmp: root), a download belongs to this user.
            Path up = Files.writeString(shared.resolve("up.txt"), "up");
            c.upload(up, "/tmp/up.txt");
            var u = c.exec(dev.containerv.api.ProcessSpec.of("/bin/sh", "-c", "stat -c %u /tmp/up.txt; cat /tmp/up.txt"));
            assertThat(u.stdout().lines().toList()).as(u.stderr()).containsExactly("0", "up");
            Path down = shared.resolve("down.txt");
            c.download("/tmp/by-tester", down);
            assertThat(Files.readString(down)).isEqualTo("t\n");
            assertThat(owner(down)).isEqualTo(uid);
        } finally {
            try (var files = Files.list(shared)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(shared);
        }
        assertThat(rt.list()).isEmpty();
        assertThat(LayerEntries.of(LinuxOptions.defaults().layerRoot(), made)).as("the writable layer, files of subordinate ids included, is removed at destroy").isEmpty();
    }

    private static long owner(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    /**
     * What the root file system looks like through a subordinate mapping: the user's files (the test rootfs) belong
     * to root inside, the host root's files (a read-only bind of the host's /usr/bin) to the overflow id 65534.
     */
    @Test
    void theUsersFilesAreRootsInsideAndHostRootsFilesAreNobodys() throws IOException {
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        try (var c = rt.create(mapped(range(SUBUID_PROPERTY), range(SUBGID_PROPERTY)).layer(dev.containerv.api.Layer.hostDirectory(
                Path.of("/usr/bin"), "/hostbin", dev.containerv.api.Access.READ_ONLY)).build())) {
            var r = c.exec(dev.containerv.api.ProcessSpec.of("/bin/sh", "-c", "stat -c %u:%g /etc/passwd /hostbin/env"));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout().lines().toList()).containsExactly("0:0", "65534:65534");
        }
    }

    @Test
    void aMappingOutsideTheUsersRangesIsRefusedNamingTheIdsTheRangeAndTheFile() throws IOException {
        long[] subuid = range(SUBUID_PROPERTY);
        long beyond = subuid[0] + subuid[1];
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        var spec = mapped(subuid, range(SUBGID_PROPERTY)).uidMappings(new dev.containerv.api.IdMapping(0, Proc.HOST.euid(), 1),
                new dev.containerv.api.IdMapping(1, beyond, 10)).build();
        assertThatThrownBy(() -> rt.create(spec)).isInstanceOfSatisfying(ContainerException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
            assertThat(e.getMessage()).contains("host uids " + beyond + "-" + (beyond + 9), "/etc/subuid",
                    "user " + System.getProperty("user.name"));
        });
        assertThat(rt.list()).isEmpty();
    }

    @Test
    void aRootMappedToASubordinateIdIsRefusedSayingToMapTheUser() throws IOException {
        long[] subuid = range(SUBUID_PROPERTY);
        ContainerRuntime rt = new LinuxNamespacesProvider().createRuntime();
        var spec = mapped(subuid, range(SUBGID_PROPERTY)).uidMappings(new dev.containerv.api.IdMapping(0, subuid[0], subuid[1])).build();
        long uid = Proc.HOST.euid();
        assertThatThrownBy(() -> rt.create(spec)).isInstanceOfSatisfying(ContainerException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
            assertThat(e.getMessage()).contains("maps container uid 0 to host uid " + subuid[0], "new IdMapping(0, " + uid + ", 1)");
        });
    }

    /**
     * The helper's side: a map the tools refuse (a range outside the user's entries, which Java would have refused
     * first) or a tool that cannot run fails the supervisor at step user-namespace naming the tool, with the tool's
     * own words, before anything is made.
     */
    @Test
    void aMapToolThatFailsIsReportedWithItsPathAndItsOwnWords() throws Exception {
        long[] subuid = range(SUBUID_PROPERTY);
        Path helper = dev.containerv.linux.helper.HelperBinary.locate(java.util.Optional.empty(), Proc.HOST.euid(), Proc.HOST);
        Path dir = Files.createTempDirectory("map-tool");
        try {
            long beyond = subuid[0] + subuid[1];
            String refused = initStatus(helper, dir, "uid-map 1 " + beyond + " 10", "/usr/bin/newuidmap");
            assertThat(refused).startsWith("error user-namespace execv EPERM ").contains("/usr/bin/newuidmap", "exit status: newuidmap:",
                    Long.toString(beyond));
            String missing = initStatus(helper, dir, "uid-map 1 " + subuid[0] + " 10", dir.resolve("no-such-tool").toString());
            assertThat(missing).startsWith("error user-namespace execv ENOEXEC ").contains(dir.resolve("no-such-tool").toString(),
                    "127 (cannot execute)");
        } finally {
            dev.containerv.spi.FileTrees.deleteTree(dir);
        }
    }

    /** The first status line of a supervisor started on a plan with the user as 0, {@code extra} and the uid tool. */
    private static String initStatus(Path helper, Path dir, String extra, String newuidmap) throws Exception {
        long uid = Proc.HOST.euid();
        long gid = Proc.HOST.egid();
        Path plan = Files.writeString(dir.resolve("plan"), "containerv-plan 2\nid c1\nhostname h\nstate-dir " + dir.resolve("s")
                + "\ncontrol-socket " + dir.resolve("s/c") + "\nrootfs /\nupper " + dir.resolve("u") + "\nwork " + dir.resolve("w")
                + "\nmerged " + dir.resolve("m") + "\nuid-map 0 " + uid + " 1\n" + extra + "\ngid-map 0 " + gid + " 1\nuserns-self\n"
                + "newuidmap " + newuidmap + "\nnewgidmap /usr/bin/newgidmap\n");
        Process p = new ProcessBuilder(helper.toString(), "init", plan.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        return java.net.URLDecoder.decode(out.lines().findFirst().orElse("").replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
}
