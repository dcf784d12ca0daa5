package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Layer;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.ResourceLimits;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.linux.helper.Standbys;
import dev.containerv.linux.proc.Proc;
import dev.containerv.testkit.TestRootfs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rootless containers in the delegated cgroup v2 subtree named by {@value #SUBTREE_PROPERTY}, checked as the user it
 * is delegated to; run by {@link RootlessCgroupDelegationPrivilegedTest} in a JVM of a throw-away user started inside
 * that subtree (not by Surefire: the name does not end in Test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DelegatedSubtreeChecks {
    /** The delegated subtree, an absolute directory of the v2 tree. */
    static final String SUBTREE_PROPERTY = "containerv.test.delegatedSubtree";

    private Path subtree;
    private Path parent;
    private String v2Mount;
    private ContainerRuntime runtime;

    @BeforeAll
    void unprivilegedInTheSubtree() throws IOException {
        assertThat(Proc.HOST.euid()).as("the delegation checks must run as a normal user").isNotZero();
        subtree = Path.of(System.getProperty(SUBTREE_PROPERTY));
        parent = subtree.resolve("containerv");
        v2Mount = subtree.getParent().toString();
        runtime = new LinuxNamespacesProvider().createRuntime();
    }

    private static String newId() {
        return "dg-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The cgroup v2 path of a host process, as /proc/PID/cgroup names it. */
    private static String cgroupOf(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).stream().filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
    }

    private String relative(Path dir) {
        return "/" + Path.of(v2Mount).relativize(dir);
    }

    private Set<String> offered() throws IOException {
        return Set.of(Files.readString(subtree.resolve("cgroup.controllers")).strip().split("\\s+"));
    }

    /**
     * No process in the subtree's own cgroup once a container exists: the JVM moved into its leaf before it started any
     * helper (the container's supervisor, the standby for the next create), or a process left there would keep the
     * subtree from enabling a controller for its children (cgroup v2's no-internal-processes rule: EBUSY).
     */
    private void assertSubtreeRootHoldsNoProcess() throws IOException {
        assertThat(Files.readString(subtree.resolve("cgroup.procs")).lines().map(l -> l + " " + ProcessHandle.of(Long.parseLong(l.strip()))
                .flatMap(h -> h.info().commandLine()).orElse("?")).toList()).as("the processes in the subtree's own cgroup").isEmpty();
    }

    /** The container's cgroup, state, layer and supervisor (a child of this JVM, or of a killed one) are gone. */
    private void assertNothingLeft(String id) throws InterruptedException, java.io.IOException {
        LinuxOptions roots = LinuxOptions.defaults();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The standby started for a next create is a child too, and no container's.
        Standbys.shared().discardAll();
        // The supervisor is this JVM's child (the creating one) until Java's process reaper has waited for it.
        while ((Files.exists(parent.resolve(id)) || Files.exists(roots.stateRoot().resolve(id)) || Supervisors.of(id).isPresent()
                || ProcessHandle.current().children().findAny().isPresent()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(runtime.list()).doesNotContain(id);
        assertThat(parent.resolve(id)).as("the container's cgroup").doesNotExist();
        assertThat(roots.stateRoot().resolve(id)).as("the container's state").doesNotExist();
        assertThat(LayerEntries.of(roots.layerRoot(), id)).as("the container's layer").isEmpty();
        assertThat(Supervisors.of(id)).as("the container's supervisor").isEmpty();
        assertThat(ProcessHandle.current().children().map(h -> h.pid() + " " + h.info().command().orElse("?")).toList())
                .as("this JVM's children (supervisors not yet reaped)").isEmpty();
    }

    /** First: its create is this JVM's first use of cgroups, where the JVM leaves the subtree's own cgroup. */
    @Test
    @Order(1)
    void theJvmMovesIntoALeafAndEachContainerRunsInAChildCgroupOfTheSubtree() throws Exception {
        String id = newId();
        try (Container c = runtime.create(ContainerSpec.builder().id(id).rootfs(TestRootfs.shared()).build())) {
            assertSubtreeRootHoldsNoProcess();
            assertThat(cgroupOf(ProcessHandle.current().pid())).as("this JVM, out of the subtree's own cgroup").isEqualTo(relative(subtree.resolve("jvm")));
            ContainerProcess sleep = c.spawn(ProcessSpec.of("/bin/sleep", "60"));
            assertThat(cgroupOf(sleep.pid())).isEqualTo(relative(parent.resolve(id)));
            assertThat(c.processes()).as("the process list comes from the cgroup").anySatisfy(p -> assertThat(p.hostPid()).isEqualTo(sleep.pid()));
        }
        assertNothingLeft(id);
    }

    /** With capability CGROUPS, the container's cgroup namespace is rooted at its cgroup, shown read-only at /sys/fs/cgroup. */
    @Test
    void withCapabilityCgroupsTheContainerSeesOnlyItsOwnCgroupReadOnly() throws Exception {
        String id = newId();
        try (Container c = runtime.create(ContainerSpec.builder().id(id).rootfs(TestRootfs.shared())
                .capabilities(dev.containerv.api.Capability.FILESYSTEM, dev.containerv.api.Capability.PROCESS_CONTROL,
                        dev.containerv.api.Capability.CGROUPS).build())) {
            assertSubtreeRootHoldsNoProcess();
            var r = c.exec(ProcessSpec.of("/bin/sh", "-c",
                    "grep '^0::' /proc/self/cgroup; test -f /sys/fs/cgroup/cgroup.procs && echo procs; test -d /sys/fs/cgroup/jvm || echo no-jvm;"
                            + " echo 1 > /sys/fs/cgroup/cgroup.kill 2>/dev/null || echo read-only"));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout().lines().toList()).containsExactly("0::/", "procs", "no-jvm", "read-only");
            assertThat(c.isRunning()).isTrue();
        }
        assertNothingLeft(id);
    }

    /** CPU time from cpu.stat (in every v2 cgroup); memory from the cgroup where the subtree has memory, else from /proc. */
    @Test
    void cpuTimeComesFromTheContainersCgroupAndMemoryFromWhatCanBeRead() throws Exception {
        String id = newId();
        try (Container c = runtime.create(ContainerSpec.builder().id(id).rootfs(TestRootfs.shared()).build())) {
            assertSubtreeRootHoldsNoProcess();
            c.spawn(ProcessSpec.of("/bin/sleep", "60"));
            c.exec(ProcessSpec.of("/bin/sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"));
            long before = usageNanos(id);
            ContainerStats s = c.stats();
            long after = usageNanos(id);
            assertThat(before).as("cpu.stat of the container's cgroup after a busy loop").isPositive();
            assertThat(s.cpuTimeNanos()).isBetween(before, after);
            assertThat(s.activeProcesses()).isGreaterThanOrEqualTo(2);
            assertThat(s.memoryUsageBytes()).as("memory of the init and the sleep").isPositive();
        }
        assertNothingLeft(id);
    }

    private long usageNanos(String id) throws IOException {
        return Files.readAllLines(parent.resolve(id).resolve("cpu.stat")).stream().filter(l -> l.startsWith("usage_usec "))
                .mapToLong(l -> Long.parseLong(l.substring(11).strip()) * 1000).findFirst().orElseThrow();
    }

    @Test
    void cgroupKillWrittenByTheUserEndsEveryProcessOfTheContainer() throws Exception {
        String id = newId();
        Container c = runtime.create(ContainerSpec.builder().id(id).rootfs(TestRootfs.shared()).build());
        try {
            c.spawn(ProcessSpec.of("/bin/sh", "-c", "sleep 600 & sleep 600 & wait"));
            assertThat(c.exec(ProcessSpec.of("/bin/true")).exitCode()).isZero();
            Files.writeString(parent.resolve(id).resolve("cgroup.kill"), "1");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(c.isRunning()).as("the init went with the rest of the cgroup").isFalse();
        } finally {
            try {
                c.destroy();
            } catch (ContainerException e) {
                // gone already: destroy only tidies up
            }
        }
        assertNothingLeft(id);
    }

    @Test
    void aFailedCreateLeavesNoCgroup() throws Exception {
        String id = newId();
        Path src = Files.createTempDirectory("bind-src");
        try {
            // A bind under a regular file of the image: the mount point cannot be made (ENOTDIR), after the cgroup was.
            assertThatThrownBy(() -> runtime.create(ContainerSpec.builder().id(id).rootfs(TestRootfs.shared())
                    .layer(Layer.hostDirectory(src, TestRootfs.MARKER + "/sub", Access.READ_ONLY)).build()))
                    .isInstanceOf(ContainerException.class).hasMessageContaining(TestRootfs.MARKER + "/sub");
        } finally {
            Files.delete(src);
        }
        assertNothingLeft(id);
    }

    @Test
    void aMemoryOrPidsLimitIsAppliedOnlyWhereTheSubtreeOffersItsController() throws Exception {
        for (String controller : List.of("memory", "pids")) {
            String id = newId();
            ResourceLimits limits = controller.equals("memory") ? ResourceLimits.builder().memoryMax("64M").build() : ResourceLimits.builder().pidsMax(32).build();
            String field = controller.equals("memory") ? "limits.memoryMax" : "limits.pidsMax";
            if (offered().contains(controller)) {
                try (Container c = runtime.create(ContainerSpec.builder().id(id).rootfs(TestRootfs.shared()).limits(limits).build())) {
                    assertThat(Files.readString(parent.resolve(id).resolve(controller + ".max")).strip()).isIn("67108864", "32");
                }
            } else {
                assertThatThrownBy(() -> runtime.create(ContainerSpec.builder().id(id).rootfs(TestRootfs.shared()).limits(limits).build()))
                        .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED))
                        .hasMessageContaining(field).hasMessageContaining("the " + controller + " controller is not offered")
                        .hasMessageContaining(subtree.toString());
            }
            assertNothingLeft(id);
        }
        assertThat(runtime.features().contains(RuntimeFeature.RESOURCE_LIMITS)).as("RESOURCE_LIMITS with the subtree offering %s", offered())
                .isEqualTo(offered().containsAll(Set.of("memory", "cpu", "pids")));
    }

    @Test
    void whenTheCreatingJvmIsKilledItsSupervisorRemovesTheCgroup() throws Exception {
        String id = newId();
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                ChildJvm.class.getName(), "create", id, TestRootfs.shared().toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("created " + id);
            assertThat(cgroupOf(child.pid())).as("a JVM started from a moved one stays in the leaf").isEqualTo(relative(subtree.resolve("jvm")));
            assertThat(parent.resolve(id)).as("made in the same subtree by the other JVM").isDirectory();
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertNothingLeft(id);
    }

    @Test
    void aCgroupLeftByAKilledSupervisorIsRemovedByTheStaleStateCleanup() throws Exception {
        String id = newId();
        Container c = runtime.create(ContainerSpec.builder().id(id).rootfs(TestRootfs.shared()).build());
        try {
            c.spawn(ProcessSpec.of("/bin/sleep", "60"));
            long deadline = Supervisors.kill(c);
            assertThat(parent.resolve(id)).as("a killed supervisor removes nothing").isDirectory();
            while (runtime.list().contains(id) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(runtime.list()).doesNotContain(id);
            assertThat(parent.resolve(id)).as("removed with the stale state, by id").doesNotExist();
        } finally {
            try {
                c.destroy();
            } catch (ContainerException e) {
                // gone already: destroy only tidies up
            }
        }
        assertNothingLeft(id);
    }
}
