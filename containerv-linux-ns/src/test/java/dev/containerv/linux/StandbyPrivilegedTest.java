package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;
import dev.containerv.linux.helper.Standbys;
import dev.containerv.spi.FileTrees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15: a create takes the supervisor its runtime started before it (a warm standby), so the process start is off
 * its critical path; the standby then names its container's plan like any supervisor, PID 1 still shows no host path,
 * concurrent creates each get a supervisor of their own, and a refused create leaves no process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandbyPrivilegedTest {
    private static Path work;
    private static Path rootfs;
    private static ContainerRuntime runtime;

    @BeforeAll
    static void setUp() throws Exception {
        Privileged.require();
        work = Files.createTempDirectory("cv-standby-test");
        rootfs = BusyboxRootfs.create(work.resolve("rootfs"));
        runtime = new LinuxNamespacesProvider().createRuntime();
    }

    /** Other test classes of this JVM leave standbys of their runtimes' helpers (one per helper and mode). */
    @BeforeEach
    void onlyThisRuntimesStandby() {
        Standbys.shared().discardAll();
    }

    @AfterAll
    static void tearDown() throws Exception {
        Standbys.shared().discardAll();
        if (work != null) {
            FileTrees.deleteTree(work);
        }
    }

    private static String newId() {
        return "sb-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This JVM's standbys that no create has taken: the room for the plan path is still on their command line. */
    private static List<ProcessHandle> waitingStandbys() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ProcessHandle> seen = List.of();
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            try (Stream<ProcessHandle> children = ProcessHandle.current().children()) {
                seen = children.filter(h -> h.info().commandLine().orElse("").contains("--- standby")).toList();
            }
        }
        return seen;
    }

    @Test
    void aCreateTakesTheSupervisorStartedBeforeItWhichThenNamesItsPlanAndPid1ShowsNoHostPath() throws Exception {
        try (Container first = runtime.create(ContainerSpec.builder().id(newId()).rootfs(rootfs).build())) {
            assertThat(first.isRunning()).isTrue();
        }
        List<ProcessHandle> standby = waitingStandbys();
        assertThat(standby).as("the standby the first create started for the next").hasSize(1);
        String id = newId();
        try (Container second = runtime.create(ContainerSpec.builder().id(id).rootfs(rootfs).build())) {
            ProcessHandle supervisor = Supervisors.of(id).orElseThrow(() -> new AssertionError("no process names the plan of " + id));
            assertThat(supervisor.pid()).as("the second container's supervisor is the standby started before its create")
                    .isEqualTo(standby.get(0).pid());
            assertThat(second.exec(ProcessSpec.of("/bin/sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline")).stdout().strip())
                    .as("/proc/1/cmdline").isEqualTo("containerv-helper init");
        }
        assertThat(Supervisors.of(id)).isEmpty();
    }

    @Test
    void concurrentCreatesEachGetASupervisorOfTheirOwn() throws Exception {
        try (Container warm = runtime.create(ContainerSpec.builder().id(newId()).rootfs(rootfs).build())) {
            assertThat(warm.isRunning()).isTrue();
        }
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Container>> creates = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = newId();
            ids.add(id);
            creates.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return runtime.create(ContainerSpec.builder().id(id).rootfs(rootfs).build());
            }));
        }
        go.countDown();
        List<Container> made = new ArrayList<>();
        try {
            for (CompletableFuture<Container> c : creates) {
                made.add(c.get(60, TimeUnit.SECONDS));
            }
            List<Long> supervisors = ids.stream().map(id -> Supervisors.of(id).orElseThrow().pid()).toList();
            assertThat(supervisors).doesNotHaveDuplicates().hasSize(4);
            for (Container c : made) {
                assertThat(c.exec(ProcessSpec.of("true")).exitCode()).isZero();
            }
        } finally {
            made.forEach(Container::close);
        }
        for (String id : ids) {
            assertThat(Supervisors.of(id)).isEmpty();
        }
    }

    @Test
    void aCreateRefusedAfterItTookTheStandbyLeavesNoProcessOfIts() throws Exception {
        String id = newId();
        try (Container c = runtime.create(ContainerSpec.builder().id(id).rootfs(rootfs).build())) {
            List<ProcessHandle> standby = waitingStandbys();
            assertThat(standby).hasSize(1);
            assertThatThrownBy(() -> runtime.create(ContainerSpec.builder().id(id).rootfs(rootfs).build()))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
            assertThat(standby.get(0).onExit().get(10, TimeUnit.SECONDS).isAlive())
                    .as("the standby the refused create took has ended").isFalse();
            assertThat(c.isRunning()).isTrue();
        }
    }
}
