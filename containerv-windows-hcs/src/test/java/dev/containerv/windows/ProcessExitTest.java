package dev.containerv.windows;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;
import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.schema.ProcessStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a process's exit is established: a failed exit wait, or a status that does not say the process exited,
 * is a PLATFORM_FAILURE from waitFor and exitValue (never a made-up exit code), and the handle of a process
 * that may still run stays open until the container is destroyed.
 */
class ProcessExitTest extends SimulatedHcsTestBase {
    ContainerSpec spec;

    @BeforeEach
    void setUp() {
        spec = ContainerSpec.builder().id("exit-1").rootfs(rootfs).capabilities().build();
    }

    private long processHandles() {
        return hcs.openHandleDescriptions().stream().filter(d -> d.startsWith("process ")).count();
    }

    @Test
    void aFailedExitWaitIsAFailureAndTheHandleStaysOpenUntilDestroy() throws Exception {
        try (Container c = runtime.create(spec)) {
            hcs.failNext("HcsWaitForProcessExit", HResult.HCS_E_CONNECTION_CLOSED);
            ContainerProcess p = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
            Consumer<ContainerException> waitFailed = e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                assertThat(e.platformCode()).contains(HResult.describe(HResult.HCS_E_CONNECTION_CLOSED));
                assertThat(e.operation()).contains("windows::Process::waitFor");
                assertThat(e.containerId()).contains("exit-1");
                assertThat(e.getMessage()).contains("HcsWaitForProcessExit failed").contains("process " + p.containerPid());
            };
            assertThatThrownBy(p::waitFor).isInstanceOfSatisfying(ContainerException.class, waitFailed);
            assertThatThrownBy(() -> p.waitFor(1, TimeUnit.SECONDS)).isInstanceOfSatisfying(ContainerException.class, waitFailed);
            assertThatThrownBy(p::exitValue).isInstanceOfSatisfying(ContainerException.class, waitFailed);
            assertThatThrownBy(() -> p.onExit().join()).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ContainerException.class);
            assertThat(p.isAlive()).isTrue();
            assertThat(hcs.calls()).doesNotContain("HcsCloseProcess");
            assertThat(processHandles()).isOne();
        }
        // destroy terminated the process before closing its handle
        assertThat(hcs.calls()).containsSubsequence("HcsTerminateProcess", "HcsCloseProcess");
        assertThat(processHandles()).isZero();
    }

    @Test
    void anExitCodeIsNotTrustedUnlessTheStatusSaysExited() throws Exception {
        try (Container c = runtime.create(spec)) {
            hcs.editNextExitStatus(s -> new ProcessStatus(s.processId(), false, 0L, 0));
            ContainerProcess p = c.spawn(ProcessSpec.of("/bin/true"));
            assertThatThrownBy(p::waitFor).isInstanceOfSatisfying(ContainerException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                assertThat(e.getMessage()).contains("Exited false").contains("not trusted");
            });
            assertThat(processHandles()).isOne();
        }
        assertThat(processHandles()).isZero();
    }

    @Test
    void anExitCodeIsNotTrustedWhenTheLastWaitFailed() throws Exception {
        int waitResult = HResult.fromWin32(HResult.ERROR_INVALID_HANDLE);
        try (Container c = runtime.create(spec)) {
            hcs.editNextExitStatus(s -> new ProcessStatus(s.processId(), true, 0L, waitResult));
            ContainerProcess p = c.spawn(ProcessSpec.of("/bin/true"));
            assertThatThrownBy(() -> p.waitFor(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ContainerException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                assertThat(e.platformCode()).contains(HResult.describe(waitResult));
                assertThat(e.getMessage()).contains("LastWaitResult " + HResult.hex(waitResult));
            });
            assertThatThrownBy(p::exitValue).isInstanceOf(ContainerException.class);
        }
    }

    @Test
    void aStatusThatSaysExitedGivesItsExitCodeAndClosesTheHandle() throws Exception {
        try (Container c = runtime.create(spec)) {
            ContainerProcess p = c.spawn(ProcessSpec.of("/bin/sh", "-c", "exit 3"));
            assertThat(p.waitFor()).isEqualTo(3);
            assertThat(p.exitValue()).isEqualTo(3);
            assertThat(p.onExit().join()).isSameAs(p);
            assertThat(hcs.calls()).contains("HcsCloseProcess");
        }
    }

    /**
     * The exit waiter calls HcsWaitForProcessExit in slices, and a thread inside that native call does not see an
     * interrupt: the waiter must look at its interrupt between slices and end (an application stopping its threads,
     * JVM shutdown), not wait on until the process exits. The process may still run: a failure, the handle kept until
     * destroy.
     */
    @Test
    void anInterruptEndsTheExitWaiterWithinASlice() throws Exception {
        try (Container c = runtime.create(spec)) {
            ContainerProcess p = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
            String name = "containerv-hcs-wait-exit-1-" + p.containerPid();
            Thread waiter = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
            Thread.sleep(100); // inside its first slice
            long start = System.nanoTime();
            waiter.interrupt();
            waiter.join(5000);
            assertThat(waiter.isAlive()).as("the exit waiter after an interrupt").isFalse();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
            assertThatThrownBy(p::waitFor).isInstanceOfSatisfying(ContainerException.class, e -> {
                assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
                assertThat(e.getMessage()).contains("interrupted").contains("process " + p.containerPid());
            });
            assertThat(p.isAlive()).isTrue();
            assertThat(processHandles()).isOne();
        }
        assertThat(hcs.calls()).containsSubsequence("HcsTerminateProcess", "HcsCloseProcess");
        assertThat(processHandles()).isZero();
    }
}
