package dev.containerv.linux.plan;

import dev.containerv.linux.cgroup.CgroupFiles;
import dev.containerv.linux.cgroup.CgroupLayout;
import dev.containerv.linux.cgroup.CgroupManager;
import dev.containerv.linux.cgroup.ContainerCgroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cgroup's lines in the launch plan, per layout (mount points under a temp dir, so nothing real is read). */
class CgroupSetupTest {
    @TempDir
    Path tmp;

    private ContainerCgroup cgroup(String mountinfo) {
        CgroupLayout layout = CgroupLayout.parse(mountinfo.replace("@", tmp.toString()), "0::/\n");
        return new CgroupManager(layout, CgroupFiles.HOST, "containerv", pid -> { }).cgroup("c1");
    }

    private static LaunchPlan plan() {
        return new LaunchPlan("c1", "c1").stateDir(Path.of("/run/cv/c1"), Path.of("/run/cv/c1/control"))
                .overlay(Path.of("/img"), Path.of("/l/upper"), Path.of("/l/work"), Path.of("/l/merged"));
    }

    private static List<String> lines(LaunchPlan p) {
        return p.render().lines().toList();
    }

    @Test
    void hybridJoinsEveryHierarchyRemovesV2FirstAndViewsEachHierarchyReadOnlyOnATmpfs() {
        ContainerCgroup cg = cgroup("""
                30 23 0:29 / @/memory rw - cgroup cgroup rw,memory
                31 23 0:30 / @/pids rw - cgroup cgroup rw,pids
                32 23 0:31 / @/unified rw - cgroup2 cgroup2 rw
                """);
        List<String> l = lines(CgroupSetup.apply(plan(), cg, true));
        assertThat(l).contains("cgroup-procs " + tmp + "/memory/containerv/c1/cgroup.procs",
                "cgroup-procs " + tmp + "/pids/containerv/c1/cgroup.procs", "cgroup-procs " + tmp + "/unified/containerv/c1/cgroup.procs");
        List<String> rmdirs = l.stream().filter(s -> s.startsWith("cleanup-rmdir ")).toList();
        assertThat(rmdirs).hasSize(3);
        assertThat(rmdirs.get(0)).as("v2 first: its cgroup.kill empties every hierarchy").endsWith("/unified/containerv/c1");
        assertThat(l).containsSubsequence("tmpfs /sys/fs/cgroup 65536 755",
                "bind " + tmp + "/memory/containerv/c1 /sys/fs/cgroup/memory ro");
        assertThat(l).contains("bind " + tmp + "/unified/containerv/c1 /sys/fs/cgroup/unified ro",
                "bind " + tmp + "/pids/containerv/c1 /sys/fs/cgroup/pids ro");
    }

    @Test
    void unifiedBindsTheContainersCgroupAtTheRoot() {
        ContainerCgroup cg = cgroup("32 23 0:31 / @ rw - cgroup2 cgroup2 rw\n");
        List<String> l = lines(CgroupSetup.apply(plan(), cg, true));
        assertThat(l).contains("bind " + tmp + "/containerv/c1 /sys/fs/cgroup ro", "cleanup-rmdir " + tmp + "/containerv/c1");
        assertThat(l).noneMatch(s -> s.startsWith("tmpfs /sys/fs/cgroup"));
    }

    @Test
    void withoutACgroupNamespaceThereIsNoView() {
        ContainerCgroup cg = cgroup("30 23 0:29 / @/memory rw - cgroup cgroup rw,memory\n");
        List<String> l = lines(CgroupSetup.apply(plan(), cg, false));
        assertThat(l).contains("cgroup-procs " + tmp + "/memory/containerv/c1/cgroup.procs");
        assertThat(l).noneMatch(s -> s.contains("/sys/fs/cgroup"));
    }
}
