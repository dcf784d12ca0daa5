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
}
