package dev.containerv.windows;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.ResourceLimits;
import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsJob;
import dev.containerv.windows.hcs.HcsProcess;
import dev.containerv.windows.hcs.HcsSystem;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import dev.containerv.windows.jna.PipeStreams;
import dev.containerv.windows.jna.SimulatedPipeKernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The provider's call sequences on a mocked HcsApi: every handle it opens is closed, also when a step fails. */
class ProviderSequenceTest {
    @TempDir
    Path tmp;
    HcsApi hcs;
    WindowsHcsRuntime runtime;
    Path rootfs;
    final HcsSystem system = new HcsSystem(11, "seq");

    @BeforeEach
    void setUp() throws IOException {
        hcs = mock(HcsApi.class);
        when(hcs.family()).thenReturn("mock");
        when(hcs.nameToGuid(anyString())).thenAnswer(i -> UUID.nameUUIDFromBytes(i.getArgument(0, String.class).getBytes()));
        when(hcs.getLayerMountPath(any())).thenReturn("\\\\?\\Volume{00000000-0000-0000-0000-000000000001}\\");
        when(hcs.createComputeSystem(eq("seq"), anyString(), any())).thenReturn(system);
        runtime = SimRuntimes.runtime(hcs, tmp.resolve("state"));
        rootfs = SimRuntimes.windowsfilter(tmp);
    }

    private ContainerSpec spec() {
        return ContainerSpec.builder().id("seq").rootfs(rootfs).capabilities().build();
    }

    @Test
    void createAndDestroyInOrder() {
        Container c = runtime.create(spec());
        c.destroy();
        InOrder order = inOrder(hcs);
        order.verify(hcs).activateLayer(rootfs);
        order.verify(hcs).prepareLayer(rootfs, SimRuntimes.parents(rootfs));
        order.verify(hcs).getLayerMountPath(rootfs);
        order.verify(hcs).createComputeSystem(eq("seq"), anyString(), any());
        order.verify(hcs).startComputeSystem(eq(system), any());
        order.verify(hcs).shutdownComputeSystem(eq(system), any());
        order.verify(hcs).terminateComputeSystem(eq(system), any());
        order.verify(hcs).closeComputeSystem(system);
        order.verify(hcs).unprepareLayer(rootfs);
        order.verify(hcs).deactivateLayer(rootfs);
    }

    @Test
    void failedStartTerminatesClosesAndUnmounts() {
        doThrow(new HcsException("HcsStartComputeSystem", HResult.HCS_E_IMAGE_MISMATCH, null)).when(hcs).startComputeSystem(any(), any());
        assertThatThrownBy(() -> runtime.create(spec()))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
                    assertThat(e.operation()).contains("windows::Container::start");
                    assertThat(e.containerId()).contains("seq");
                    assertThat(e.platformCode()).contains("HRESULT 0x80370101 HCS_E_IMAGE_MISMATCH");
                    assertThat(e.getMessage()).contains("OS build");
                });
        InOrder order = inOrder(hcs);
        order.verify(hcs).terminateComputeSystem(eq(system), any());
        order.verify(hcs).closeComputeSystem(system);
        order.verify(hcs).unprepareLayer(rootfs);
        order.verify(hcs).deactivateLayer(rootfs);
        assertThat(tmp.resolve("state/seq")).doesNotExist();
    }

    @Test
    void terminateOfAStoppedSystemCountsAsDone() {
        doThrow(new HcsException("HcsShutDownComputeSystem", HResult.HCS_E_SYSTEM_ALREADY_STOPPED, null)).when(hcs).shutdownComputeSystem(any(), any());
        doThrow(new HcsException("HcsTerminateComputeSystem", HResult.HCS_E_SYSTEM_NOT_FOUND, null)).when(hcs).terminateComputeSystem(any(), any());
        Container c = runtime.create(spec());
        c.destroy();
        verify(hcs).closeComputeSystem(system);
        verify(hcs).deactivateLayer(rootfs);
    }

    @Test
    void failedCreateNeverLeavesTheMountedScratch() {
        when(hcs.createComputeSystem(eq("seq"), anyString(), any())).thenThrow(new HcsException("HcsCreateComputeSystem", HResult.HCS_E_SYSTEM_ALREADY_EXISTS, null));
        assertThatThrownBy(() -> runtime.create(spec()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
        verify(hcs, never()).closeComputeSystem(any());
        verify(hcs).unprepareLayer(rootfs);
        verify(hcs).deactivateLayer(rootfs);
    }

    @Test
    void execWithATimeoutReturnsWhenOutputStaysOpenAfterTheExit() throws Exception {
        // As when a background process the program started holds its stdout: the program exited, the pipe did not end.
        PipedOutputStream heldOpen = new PipedOutputStream();
        PipedInputStream stdout = new PipedInputStream(heldOpen);
        heldOpen.write("started\n".getBytes(StandardCharsets.UTF_8));
        HcsProcess p = new HcsProcess(22, 778, OutputStream.nullOutputStream(), stdout, InputStream.nullInputStream());
        when(hcs.createProcess(eq(system), anyString(), any())).thenReturn(p);
        when(hcs.waitForProcessExit(eq(p), any())).thenReturn("{\"Exited\":true,\"ExitCode\":0,\"LastWaitResult\":0}");
        try (Container c = runtime.create(spec())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.exec(ProcessSpec.of("cmd.exe", "/c", "start", "/b", "ping", "-t", "localhost"), Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT))
                    .hasMessageContaining("exited with 0").hasMessageContaining("output was still open");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        } finally {
            heldOpen.close();
        }
    }

    @Test
    void execTimeoutEndsAReadBlockedInTheKernel() {
        // The real pipes: a read is pending in the kernel while a background process holds stdout open.
        SimulatedPipeKernel kernel = new SimulatedPipeKernel();
        HANDLE out = kernel.pipe();
        HANDLE err = kernel.pipe();
        kernel.end(err);
        HcsProcess p = new HcsProcess(23, 779, OutputStream.nullOutputStream(), PipeStreams.input(kernel, out), PipeStreams.input(kernel, err));
        when(hcs.createProcess(eq(system), anyString(), any())).thenReturn(p);
        when(hcs.waitForProcessExit(eq(p), any())).thenReturn("{\"Exited\":true,\"ExitCode\":0,\"LastWaitResult\":0}");
        try (Container c = runtime.create(spec())) {
            assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThatThrownBy(() -> c.exec(ProcessSpec.of("cmd.exe"), Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT)));
        } finally {
            kernel.shutdown();
        }
        assertThat(kernel.violations()).isEmpty();
    }

    @Test
    void destroyOfAProcessNeverThrowsEvenWhenTheKillFails() {
        HcsProcess p = new HcsProcess(24, 780, OutputStream.nullOutputStream(), InputStream.nullInputStream(), InputStream.nullInputStream());
        when(hcs.createProcess(eq(system), anyString(), any())).thenReturn(p);
        when(hcs.waitForProcessExit(eq(p), any())).thenThrow(new HcsException("HcsWaitForProcessExit", HResult.HCS_E_OPERATION_TIMEOUT, null));
        doThrow(new HcsException("HcsTerminateProcess", HResult.E_FAIL, null)).when(hcs).terminateProcess(p);
        doThrow(new HcsException("HcsSignalProcess", HResult.E_FAIL, null)).when(hcs).signalProcess(eq(p), anyString());
        try (Container c = runtime.create(spec())) {
            Process process = c.spawn(ProcessSpec.of("cmd.exe"));
            org.assertj.core.api.Assertions.assertThatCode(process::destroyForcibly).doesNotThrowAnyException();
            org.assertj.core.api.Assertions.assertThatCode(process::destroy).doesNotThrowAnyException();
            assertThatThrownBy(() -> ((dev.containerv.api.ContainerProcess) process).kill(dev.containerv.api.Signal.KILL))
                    .isInstanceOf(ContainerException.class);
        } catch (ContainerException destroyFailure) {
            // the container's destroy reports the failed kill; the process's destroy() did not
        }
    }

    @Test
    void refusedJobAssignmentTerminatesAndClosesTheProcess() {
        HcsJob job = new HcsJob(5, "containerv-seq");
        when(hcs.createJobObject("containerv-seq", 2)).thenReturn(job);
        HcsProcess p = new HcsProcess(21, 777, OutputStream.nullOutputStream(), InputStream.nullInputStream(), InputStream.nullInputStream());
        when(hcs.createProcess(eq(system), anyString(), any())).thenReturn(p);
        doThrow(new HcsException("AssignProcessToJobObject", HResult.fromWin32(HResult.ERROR_NOT_ENOUGH_QUOTA), null))
                .when(hcs).assignProcessToJobObject(eq(job), anyLong());
        try (Container c = runtime.create(spec().toBuilder().limits(ResourceLimits.builder().pidsMax(2).build()).build())) {
            assertThatThrownBy(() -> c.spawn(ProcessSpec.of("cmd.exe")))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT));
            verify(hcs).terminateProcess(p);
            verify(hcs).closeProcess(p);
        }
        verify(hcs).terminateJobObject(job, 1);
        verify(hcs).closeJobObject(job);
    }
}
