package dev.containerv.windows;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.Layer;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.ResourceLimits;
import dev.containerv.api.Signal;
import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.internal.HcsContainer;
import dev.containerv.windows.schema.ComputeSystem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider against the simulated HCS: the whole life of a container, and that nothing is left behind. */
class SimulatedLifecycleTest extends SimulatedHcsTestBase {

    private ContainerSpec.Builder spec() {
        return ContainerSpec.builder().id("sim-1").rootfs(rootfs).capabilities();
    }

    @Test
    void execSeesTheLayersAndMappedDirectoriesInWindowsForm() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "mapped\n");
        try (Container c = runtime.create(spec().layer(Layer.hostDirectory(src, "C:\\src", Access.READ_ONLY)).build())) {
            ExecResult r = c.exec(ProcessSpec.of("/bin/sh", "-c", "cat C:\\Windows\\System32\\hello.txt C:\\mid.txt C:\\src\\a.txt; pwd"));
            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).startsWith("from base\nfrom mid\nmapped\n");
            ComputeSystem doc = hcs.document("sim-1").orElseThrow();
            assertThat(doc.container().storage().path()).startsWith("\\\\?\\Volume{");
            assertThat(doc.container().mappedDirectories()).extracting("containerPath").containsExactly("C:\\src", "C:\\containerv\\staging");
            assertThat(hcs.calls()).containsSubsequence("ActivateLayer", "PrepareLayer", "GetLayerMountPath", "HcsCreateComputeSystem", "HcsStartComputeSystem");
        }
        assertThat(hcs.calls()).containsSubsequence("HcsShutDownComputeSystem", "HcsCloseComputeSystem", "UnprepareLayer", "DeactivateLayer");
        assertThat(tmp.resolve("state").resolve("sim-1")).doesNotExist();
    }

    @Test
    void argumentsSurviveWindowsQuoting() {
        try (Container c = runtime.create(spec().build())) {
            List<String> args = List.of("", "a b", "quote\"d", "trail\\", "back\\\\\"slash", "tab\there");
            ProcessSpec p = ProcessSpec.builder(List.of("/bin/sh", "-c", "for a in \"$@\"; do printf '[%s]' \"$a\"; done", "sh"))
                    .build();
            ProcessSpec withArgs = ProcessSpec.builder(concat(p.command(), args)).build();
            ExecResult r = c.exec(withArgs);
            assertThat(r.stdout()).isEqualTo("[][a b][quote\"d][trail\\][back\\\\\"slash][tab\there]");
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void exitCodesStdinAndKill() throws Exception {
        try (Container c = runtime.create(spec().build())) {
            assertThat(c.exec(ProcessSpec.of("/bin/sh", "-c", "exit 7")).exitCode()).isEqualTo(7);
            ContainerProcess cat = c.spawn(ProcessSpec.of("/bin/cat"));
            cat.getOutputStream().write("echo me".getBytes(StandardCharsets.UTF_8));
            cat.getOutputStream().close();
            assertThat(new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("echo me");
            assertThat(cat.waitFor()).isZero();
            ContainerProcess sleeper = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
            assertThatThrownBy(() -> sleeper.kill(Signal.USR1))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
            sleeper.kill(Signal.TERM);
            assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sleeper.exitValue()).isEqualTo(128 + 15);
            assertThatThrownBy(() -> c.exec(ProcessSpec.of("/bin/sleep", "30"), Duration.ofMillis(200)))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT));
        }
    }

    @Test
    void missingProgramIsNotFound() {
        try (Container c = runtime.create(spec().build())) {
            assertThatThrownBy(() -> c.spawn(ProcessSpec.of("/no/such/program")))
                    .isInstanceOfSatisfying(ContainerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                        assertThat(e.operation()).contains("windows::Container::spawn");
                        assertThat(e.containerId()).contains("sim-1");
                        assertThat(e.platformCode()).contains("HRESULT 0x80070002 ERROR_FILE_NOT_FOUND");
                    });
        }
    }

    @Test
    void uploadAndDownloadFilesAndTrees() throws IOException {
        Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(tree.resolve("f.txt"), "leaf");
        Path file = Files.writeString(tmp.resolve("one.txt"), "single");
        try (Container c = runtime.create(spec().build())) {
            c.upload(file, "C:\\one.txt");
            c.upload(tmp.resolve("tree"), "C:\\tree");
            assertThat(c.exec(ProcessSpec.of("/bin/cat", "C:\\one.txt", "C:\\tree\\sub\\f.txt")).stdout()).isEqualTo("singleleaf");
            c.download("C:\\tree", tmp.resolve("back"));
            c.download("C:\\one.txt", tmp.resolve("one-back.txt"));
            assertThat(tmp.resolve("back/sub/f.txt")).hasContent("leaf");
            assertThat(tmp.resolve("one-back.txt")).hasContent("single");
            assertThatThrownBy(() -> c.download("C:\\missing", tmp.resolve("x")))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
            assertThatThrownBy(() -> c.upload(file, "/posix"))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        }
    }

    @Test
    void transfersPathsThatCmdExeReadsOnlyInPlainQuotes() throws IOException {
        Files.createDirectories(tmp.resolve("odd/sub"));
        Files.writeString(tmp.resolve("odd/sub/f.txt"), "leaf");
        Path file = Files.writeString(tmp.resolve("one.txt"), "single");
        try (Container c = runtime.create(spec().build())) {
            String dir = "C:\\a b & c (1)";
            c.upload(tmp.resolve("odd"), dir);
            c.upload(file, dir + "\\one & only.txt");
            c.upload(file, "C:\\x&y.txt");
            c.download(dir, tmp.resolve("back"));
            c.download(dir + "\\one & only.txt", tmp.resolve("one-back.txt"));
            c.download("C:\\x&y.txt", tmp.resolve("xy-back.txt"));
            assertThat(tmp.resolve("back/sub/f.txt")).hasContent("leaf");
            assertThat(tmp.resolve("back/one & only.txt")).hasContent("single");
            assertThat(tmp.resolve("one-back.txt")).hasContent("single");
            assertThat(tmp.resolve("xy-back.txt")).hasContent("single");
            assertThatThrownBy(() -> c.download(dir + "\\missing (2)", tmp.resolve("x")))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        }
    }

    @Test
    void transferPathsCmdExeWouldExpandAreRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("one.txt"), "single");
        try (Container c = runtime.create(spec().build())) {
            assertThatThrownBy(() -> c.upload(file, "C:\\100%.txt"))
                    .isInstanceOfSatisfying(ContainerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
                        assertThat(e.getMessage()).contains("C:\\100%.txt").contains("'%'");
                    });
            assertThatThrownBy(() -> c.download("C:\\wow!", tmp.resolve("x")))
                    .isInstanceOfSatisfying(ContainerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC);
                        assertThat(e.getMessage()).contains("C:\\wow!").contains("'!'");
                    });
            assertThat(hcs.calls()).doesNotContain("HcsCreateProcess");
        }
    }

    @Test
    void pidsMaxThroughAJobObject() throws Exception {
        try (Container c = runtime.create(spec().limits(ResourceLimits.builder().pidsMax(1).build()).build())) {
            ContainerProcess first = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
            assertThatThrownBy(() -> c.spawn(ProcessSpec.of("/bin/sleep", "30")))
                    .isInstanceOfSatisfying(ContainerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_LIMIT);
                        assertThat(e.platformCode().orElseThrow()).contains("ERROR_NOT_ENOUGH_QUOTA");
                    });
            first.destroyForcibly();
            first.waitFor();
        }
    }

    @Test
    void aCpuCountAboveTheHostsIsClampedToIt() {
        int host = Runtime.getRuntime().availableProcessors();
        try (Container c = runtime.create(spec().limits(ResourceLimits.builder().cpuCount(host + 60).build()).build())) {
            assertThat(hcs.document("sim-1").orElseThrow().container().processor().count()).isEqualTo(host);
        }
        // describe shows what the spec asks for: clamping is the host's business.
        assertThat(WindowsHcsRuntime.describe(spec().limits(ResourceLimits.builder().cpuCount(host + 60).build()).build()))
                .contains("\"Count\" : " + (host + 60));
    }

    @Test
    void networkEndpointIsCreatedAttachedAndDeleted() {
        ContainerSpec s = spec().capabilities(Capability.NETWORK)
                .network(NetworkSpec.builder().containerAddress("10.0.0.2/24").gateway("10.0.0.1").dns("10.0.0.1").build()).build();
        WindowsHcsRuntime withNetwork = new WindowsHcsRuntime(hcs, java.util.EnumSet.of(Capability.NETWORK), SimRuntimes.SIM_FEATURES,
                tmp.resolve("state"), new dev.containerv.windows.internal.HcsContainer.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5)));
        try (Container c = withNetwork.create(s)) {
            assertThat(hcs.endpoints()).hasSize(1);
            assertThat(hcs.endpoints().values().iterator().next().ipConfigurations().get(0).ipAddress()).isEqualTo("10.0.0.2");
            assertThat(hcs.document("sim-1").orElseThrow().container().networking().namespace()).isEqualTo(hcs.namespaces().iterator().next().toString());
        }
    }

    @Test
    void noNetworkFitsGivesNotFoundAndLeavesNothing() {
        hcs.clearNetworks();
        WindowsHcsRuntime withNetwork = new WindowsHcsRuntime(hcs, java.util.EnumSet.of(Capability.NETWORK), SimRuntimes.SIM_FEATURES,
                tmp.resolve("state"), dev.containerv.windows.internal.HcsContainer.Timeouts.fromProperties());
        assertThatThrownBy(() -> withNetwork.create(spec().capabilities(Capability.NETWORK)
                .network(NetworkSpec.builder().containerAddress("10.0.0.2/24").build()).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("Default Switch");
                });
    }

    @Test
    void vmSwitchNamesTheHcnNetworkToJoin() {
        String external = java.util.UUID.nameUUIDFromBytes("external".getBytes(StandardCharsets.UTF_8)).toString();
        hcs.addNetwork(new dev.containerv.windows.schema.HostComputeNetwork(external, "External", "Transparent"));
        WindowsHcsRuntime withNetwork = new WindowsHcsRuntime(hcs, java.util.EnumSet.of(Capability.NETWORK), SimRuntimes.SIM_FEATURES,
                tmp.resolve("state"), HcsContainer.Timeouts.fromProperties());
        NetworkSpec net = NetworkSpec.builder().containerAddress("10.0.0.2/24").build();
        try (Container c = withNetwork.create(spec().capabilities(Capability.NETWORK).network(net)
                .extension(WindowsOptions.builder().vmSwitch("external").build()).build())) {
            assertThat(hcs.endpoints().values()).extracting("hostComputeNetwork").containsExactly(external);
        }
        assertThatThrownBy(() -> withNetwork.create(spec().capabilities(Capability.NETWORK).network(net)
                .extension(WindowsOptions.builder().vmSwitch("Other Switch").build()).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("no HNS network named 'Other Switch'").contains("WindowsOptions.vmSwitch")
                            .contains("[nat (NAT), External (Transparent)]").doesNotContain(", switch ");
                });
    }

    @Test
    void statsProcessesListAndIdempotentDestroy() throws Exception {
        Container c = runtime.create(spec().build());
        ContainerProcess p = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
        assertThat(c.processes()).extracting("pid").contains(p.containerPid());
        assertThat(c.stats().activeProcesses()).isGreaterThanOrEqualTo(1);
        assertThat(runtime.list()).containsExactly("sim-1");
        assertThat(c.isRunning()).isTrue();
        assertThatThrownBy(() -> runtime.create(spec().build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
        c.destroy();
        c.destroy();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(c.isRunning()).isFalse();
        assertThat(runtime.list()).isEmpty();
    }

    @Test
    void hypervIsRefusedNamingWhatIsMissing() {
        ContainerSpec s = spec().extension(WindowsOptions.builder().isolation(Isolation.HYPERV).build()).build();
        assertThatThrownBy(() -> runtime.create(s))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED);
                    assertThat(e.operation()).contains("windows::Runtime::create");
                    assertThat(e.getMessage()).contains("Isolation.HYPERV").contains("HcsGrantVmAccess").contains("sandbox.vhdx")
                            .contains("SCSI controller").contains("controller GUID").contains("Storage.Path").contains("Isolation.PROCESS");
                });
        assertThat(hcs.calls()).isEmpty();
        assertThat(tmp.resolve("state").resolve("sim-1")).doesNotExist();
        assertThat(WindowsHcsRuntime.describeUtilityVm(s)).isPresent();
    }

    @Test
    void hypervDraftBelowTheRefusalCreatesAUtilityVmAndAHostedContainer() throws IOException {
        // The unfinished Hyper-V path of HcsContainer, which the runtime does not reach: kept working for its completion.
        Path src = Files.createDirectories(tmp.resolve("hsrc"));
        Files.writeString(src.resolve("x"), "vsmb");
        ContainerSpec s = spec().layer(Layer.hostDirectory(src, "C:\\src", Access.READ_ONLY))
                .extension(WindowsOptions.builder().isolation(Isolation.HYPERV).build()).build();
        try (Container c = dev.containerv.windows.internal.ContainerFactory.create(hcs, s, tmp.resolve("state"), HcsContainer.Timeouts.fromProperties())) {
            assertThat(hcs.systemIds()).containsExactlyInAnyOrder("sim-1", "sim-1-uvm");
            assertThat(c.exec(ProcessSpec.of("/bin/cat", "C:\\src\\x")).stdout()).isEqualTo("vsmb");
            assertThat(runtime.list()).containsExactly("sim-1");
            // The UVM's own scratch: a copy of the image's SystemTemplate.vhdx, not the container's sandbox.vhdx.
            assertThat(rootfs.resolve("utilityvm-scratch.vhdx")).hasSameTextualContentAs(rootfs.resolveSibling("base").resolve("UtilityVM/SystemTemplate.vhdx"));
        }
        assertThat(rootfs.resolve("utilityvm-scratch.vhdx")).doesNotExist();
        assertThat(hcs.calls()).doesNotContain("ActivateLayer");
    }

    @Test
    void lcowAndPidsUnderHypervAreRefused() {
        assertThatThrownBy(() -> runtime.create(spec().extension(WindowsOptions.builder().isolation(Isolation.HYPERV).containerType(ContainerType.LINUX)
                .lcow(LcowOptions.builder().bundle(tmp).build()).build()).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThatThrownBy(() -> runtime.create(spec().limits(ResourceLimits.builder().pidsMax(3).build())
                .extension(WindowsOptions.builder().isolation(Isolation.HYPERV).build()).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThatThrownBy(() -> runtime.create(spec().capabilities(Capability.FILESYSTEM).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.getMessage()).contains("FILESYSTEM"));
        assertThat(HResult.info(HResult.HCS_E_ACCESS_DENIED).kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
    }
}
