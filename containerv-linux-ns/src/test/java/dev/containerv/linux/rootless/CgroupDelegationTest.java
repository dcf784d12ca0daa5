package dev.containerv.linux.rootless;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ResourceLimits;
import dev.containerv.linux.cgroup.CgroupLayout;
import dev.containerv.linux.cgroup.HostCgroups;
import dev.containerv.linux.proc.Proc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Delegation on the captured layouts, their cgroup mounts moved under a temp dir. */
class CgroupDelegationTest {
    @TempDir
    Path root;

    private CgroupLayout layout(String fixture) throws IOException {
        return CgroupLayout.parse(resource(fixture + ".mountinfo").replace(" /sys/fs/cgroup", " " + root + "/sys/fs/cgroup"),
                resource(fixture + ".cgroup"));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = CgroupDelegationTest.class.getResourceAsStream("/cgroup/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** This machine's kind of host: v1 controllers, a v2 tree with hugetlb only. */
    @Test
    void aHybridHostHasNoDelegationAndTheRefusalSaysWhyAndHowToGetOne() throws IOException {
        CgroupLayout hybrid = layout("hybrid");
        Path v2 = Files.createDirectories(hybrid.unified().orElseThrow().mountPoint());
        Files.writeString(v2.resolve("cgroup.controllers"), "hugetlb\n");
        assertThat(CgroupDelegation.delegatedSubtree(hybrid, Proc.HOST.euid())).isEmpty();
        assertThat(CgroupDelegation.limitsRefusal(hybrid, 1000)).contains("this process's cgroup v2 " + v2, "not to uid 1000 (not delegated)",
                "cgroup v1 hierarchies", root + "/sys/fs/cgroup/memory",
                "v2 tree " + v2 + " offers only hugetlb", "systemd.unified_cgroup_hierarchy=1", "systemd-run --user --scope -p Delegate=yes");
    }

    @Test
    void aV2CgroupOfTheUserWithItsControlFilesIsDelegatedAndOneOfAnotherUserIsNot() throws IOException {
        CgroupLayout unified = layout("unified");
        Path own = Files.createDirectories(unified.unified().orElseThrow().mountPoint()
                .resolve("user.slice/user-1000.slice/user@1000.service/app.slice/app-build.scope"));
        long me = Proc.HOST.euid();
        assertThat(CgroupDelegation.delegatedSubtree(unified, me)).as("no control files yet").isEmpty();
        Files.writeString(own.resolve("cgroup.procs"), "");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        assertThat(CgroupDelegation.delegatedSubtree(unified, me)).contains(own);
        assertThat(CgroupDelegation.delegatedSubtree(unified, me + 1)).isEmpty();
        assertThat(CgroupDelegation.limitsRefusal(unified, me + 1)).contains(own.toString(), "belongs to uid " + me, "not to uid " + (me + 1),
                "not delegated", "Delegate=yes");
    }

    @Test
    void withUnusableCgroupsAContainerWithoutLimitsRunsWithoutACgroupAndLimitsAreNotSupported() {
        HostCgroups none = HostCgroups.unusable("no delegation here; get one");
        assertThat(none.manager()).isEmpty();
        assertThat(none.create("c1", ResourceLimits.none(), 2)).isEmpty();
        assertThatThrownBy(() -> none.create("c1", ResourceLimits.builder().memoryMax("64M").build(), 2))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
                    assertThat(e.getMessage()).contains("no delegation here; get one");
                });
    }
}
