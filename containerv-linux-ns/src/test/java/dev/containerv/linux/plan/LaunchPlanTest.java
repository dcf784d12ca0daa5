package dev.containerv.linux.plan;

import dev.containerv.linux.helper.TestSupport;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.Layer;
import dev.containerv.api.NetworkSpec;
import dev.containerv.linux.LinuxOptions;
import dev.containerv.linux.network.HostLinkName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaunchPlanTest {
    @TempDir
    Path tmp;

    @Test
    void rendersEveryDirectiveInTheDocumentedForm() {
        LaunchPlan plan = new LaunchPlan("c1", "c1").namespace("net").namespace("ipc")
                .stateDir(Path.of("/run/containerv/c1"), Path.of("/run/containerv/c1/control"))
                .overlay(Path.of("/opt/images/alpine"), Path.of("/var/lib/containerv/c1/upper"), Path.of("/var/lib/containerv/c1/work"),
                        Path.of("/var/lib/containerv/c1/merged"))
                .overlayVolatile()
                .bind(Path.of("/home/me/my project"), "/src", true)
                .tmpfs("/tmp", 0, 01777)
                .proc("/proc").sysfs("/sys").dev("/dev").device("/dev/null", 1, 3).symlink("pts/ptmx", "/dev/ptmx")
                .devpts("/dev/pts").mqueue("/dev/mqueue")
                .defaultPath("/usr/bin:/bin")
                .stopGraceMs(5000)
                .veth("cv0123456789ab", "10.1.2.1", "10.1.2.2", 24, null)
                .cleanupTree(Path.of("/var/lib/containerv/c1"))
                .cleanupTree(Path.of("/run/containerv/c1"));
        assertThat(plan.render()).isEqualTo("""
                containerv-plan 2
                id c1
                hostname c1
                namespaces net ipc
                state-dir /run/containerv/c1
                control-socket /run/containerv/c1/control
                rootfs /opt/images/alpine
                upper /var/lib/containerv/c1/upper
                work /var/lib/containerv/c1/work
                merged /var/lib/containerv/c1/merged
                overlay-volatile
                bind /home/me/my%20project /src ro
                tmpfs /tmp 0 1777
                proc /proc
                sysfs /sys
                dev /dev
                device /dev/null 1 3
                symlink pts/ptmx /dev/ptmx
                devpts /dev/pts
                mqueue /dev/mqueue
                default-path /usr/bin:/bin
                stop-grace-ms 5000
                veth cv0123456789ab 10.1.2.1 10.1.2.2 24 -
                cleanup-tree /var/lib/containerv/c1
                cleanup-tree /run/containerv/c1
                """);
    }

    @Test
    void runtimePlanForTheHostRootPutsTheWritableLayerOnTmpfs() throws IOException {
        Path layers = tmp.resolve("layers/c2");
        ContainerSpec spec = ContainerSpec.builder().id("c2").rootfs(Path.of("/")).hostname("box")
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK, Capability.CGROUPS)
                .persistent(true).build();
        LinuxOptions options = LinuxOptions.builder().stopGrace(Duration.ofMillis(250)).build();
        String text = PlanBuilder.plan(spec, Path.of("/"), options, tmp.resolve("state/c2"), layers, tmp.resolve("state/c2/control")).render();
        assertThat(text).contains("hostname box\n", "namespaces net cgroup\n", "rootfs /\n",
                "tmpfs-upper " + layers.resolve("scratch") + " 0\n", "merged " + layers.resolve("merged") + "\n", "persistent\n",
                "stop-grace-ms 250\n", "cleanup-tree " + layers + "\n");
        assertThat(text).doesNotContain("\nupper ", "\nwork ");
        assertThat(Files.isDirectory(layers.resolve("scratch"))).isTrue();
    }

    @Test
    void runtimePlanForAnImageUsesUpperAndWorkOnDiskAndListsLayersInOrder() throws IOException {
        Path image = Files.createDirectories(tmp.resolve("image"));
        Path src = Files.createDirectories(tmp.resolve("src dir"));
        Path layers = tmp.resolve("layers/c3");
        ContainerSpec spec = ContainerSpec.builder().id("c3").rootfs(image)
                .layer(Layer.hostDirectory(src, "/src", Access.READ_WRITE)).layer(Layer.tmpfs("/scratch", "64M")).build();
        String text = PlanBuilder.plan(spec, image, LinuxOptions.defaults(), tmp.resolve("state/c3"), layers, tmp.resolve("state/c3/control")).render();
        assertThat(text).contains("namespaces ipc\n", "upper " + tmp.resolve("layers/c3+upper") + "\n", "work " + tmp.resolve("layers/c3+work") + "\n",
                "bind " + Percent.encode(src.toString()) + " /src rw\ntmpfs /scratch 67108864 1777\n", "stop-grace-ms 10000\n");
        assertThat(text).doesNotContain("persistent");
        // Only upper and work on the layer root's disk: the overlay goes on the upper directory itself.
        assertThat(text).contains("merged " + tmp.resolve("layers/c3+upper") + "\n",
                "cleanup-tree " + tmp.resolve("layers/c3+upper") + "\ncleanup-tree " + tmp.resolve("layers/c3+work")
                        + "\ncleanup-tree " + tmp.resolve("state/c3") + "\n");
        assertThat(text).doesNotContain("cleanup-tree " + layers + "\n");
        try (var entries = Files.list(layers.getParent())) {
            assertThat(entries.map(e -> e.getFileName().toString())).containsExactlyInAnyOrder("c3+upper", "c3+work");
        }
        assertThat(tmp.resolve("state/c3")).doesNotExist();
        // The writable layer on disk is never synced (this build machine's kernel is 5.10 or later).
        assertThat(KernelRelease.RUNNING.hasVolatileOverlay()).isTrue();
        assertThat(text).contains("overlay-volatile\n");
    }

    /** Java, not the helper, decides /proc, /sys, /dev and its nodes, in an order that puts the spec's layers on top. */
    @Test
    void runtimePlanListsTheStandardFileSystemsAndDevicesBeforeTheLayers() throws IOException {
        Path image = Files.createDirectories(tmp.resolve("image"));
        ContainerSpec spec = ContainerSpec.builder().id("c5").rootfs(image).layer(Layer.tmpfs("/dev/shm", "1M")).build();
        String text = PlanBuilder.plan(spec, image, LinuxOptions.defaults(), tmp.resolve("state/c5"), tmp.resolve("layers/c5"),
                tmp.resolve("state/c5/control")).render();
        assertThat(text).containsSubsequence("proc /proc\n", "sysfs /sys\n", "dev /dev\n", "device /dev/null 1 3\n",
                "device /dev/zero 1 5\n", "device /dev/full 1 7\n", "device /dev/random 1 8\n", "device /dev/urandom 1 9\n",
                "device /dev/tty 5 0\n", "symlink pts/ptmx /dev/ptmx\n", "symlink /proc/self/fd /dev/fd\n",
                "symlink /proc/self/fd/0 /dev/stdin\n", "symlink /proc/self/fd/1 /dev/stdout\n", "symlink /proc/self/fd/2 /dev/stderr\n",
                "devpts /dev/pts\n", "tmpfs /dev/shm 67108864 1777\n", "mqueue /dev/mqueue\n",
                "tmpfs /dev/shm 1048576 1777\n");
        assertThat(text).contains("default-path /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
    }

    @Test
    void rejectsEmptyArgumentsAndUnknownNamespaces() {
        assertThatThrownBy(() -> new LaunchPlan("c", "c").namespace("user")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LaunchPlan("", "c").stateDir(Path.of("/s"), Path.of("/s/c"))
                .overlay(Path.of("/r"), Path.of("/u"), Path.of("/w"), Path.of("/m")).render()).hasMessageContaining("id: empty argument");
    }

    /** The helper's own parser is the judge: every plan the runtime writes must pass check-plan. */
    @Test
    void aNetworkSpecAddsTheVethAndBindsResolvConfAndHostsWrittenIntoTheStateDirectory() throws IOException {
        Path image = Files.createDirectories(tmp.resolve("image"));
        Path state = Files.createDirectories(tmp.resolve("state/n1"));
        ContainerSpec spec = ContainerSpec.builder().id("n1").rootfs(image).hostname("web")
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK)
                .network(NetworkSpec.builder().containerAddress("10.7.0.2/24").hostAddress("10.7.0.1").gateway("10.7.0.1").dns("10.7.0.53").build())
                .build();
        String text = PlanBuilder.plan(spec, image, LinuxOptions.defaults(), state, tmp.resolve("layers/n1"), state.resolve("control")).render();
        assertThat(text).contains("namespaces net\n", "veth " + HostLinkName.of(state) + " 10.7.0.1 10.7.0.2 24 10.7.0.1\n",
                "bind " + Percent.encode(state.resolve("resolv.conf").toString()) + " /etc/resolv.conf rw\n",
                "bind " + Percent.encode(state.resolve("hosts").toString()) + " /etc/hosts rw\n");
        assertThat(state.resolve("resolv.conf")).content().contains("nameserver 10.7.0.53\n");
        assertThat(state.resolve("hosts")).content().contains("10.7.0.2\tweb\n");
    }

    @Test
    void theHelperAcceptsAPlanWithAUserNamespace() throws Exception {
        Path helper = TestSupport.builtHelper();
        org.junit.jupiter.api.Assumptions.assumeTrue(helper != null, "the native helper is not built (no C compiler?)");
        LaunchPlan plan = new LaunchPlan("u1", "u1").stateDir(tmp.resolve("s"), tmp.resolve("s/control"))
                .overlay(tmp.resolve("r"), tmp.resolve("u"), tmp.resolve("w"), tmp.resolve("m"))
                .uidMap(0, 100000, 65536).gidMap(0, 100000, 65536).gidMap(65536, 1000, 1).setgroupsDeny().idmapLower()
                .bindIdmap(tmp.resolve("ro dir"), "/ro");
        StandardSetup.apply(plan);
        assertThat(plan.render()).contains("uid-map 0 100000 65536\ngid-map 0 100000 65536\ngid-map 65536 1000 1\nsetgroups deny\n"
                + "idmap-lower\n", "bind-idmap " + Percent.encode(tmp.resolve("ro dir").toString()) + " /ro\n");
        Path planFile = tmp.resolve("plan");
        Files.writeString(planFile, plan.render());
        Process p = new ProcessBuilder(helper.toString(), "check-plan", planFile.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo("ok");
    }

    @Test
    void theHelperAcceptsTheRuntimesPlans() throws Exception {
        Path helper = TestSupport.builtHelper();
        org.junit.jupiter.api.Assumptions.assumeTrue(helper != null, "the native helper is not built (no C compiler?)");
        Path image = Files.createDirectories(tmp.resolve("image"));
        Path layers = tmp.resolve("layers/c4");
        Path state = Files.createDirectories(tmp.resolve("state/c4"));
        ContainerSpec spec = ContainerSpec.builder().id("c4").rootfs(image)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK, Capability.IPC, Capability.CGROUPS)
                .layer(Layer.hostDirectory(tmp, "/host tmp", Access.READ_ONLY)).layer(Layer.tmpfs("/t"))
                .network(NetworkSpec.builder().containerAddress("10.7.0.2/24").hostAddress("10.7.0.1").gateway("10.7.0.1").build())
                .policy(dev.containerv.api.SecurityPolicy.builder(dev.containerv.api.PolicyProfile.BUILD).allowPaths(Access.READ_ONLY, "/usr").build()).build();
        Path planFile = state.resolve("plan");
        LaunchPlan plan = PlanBuilder.plan(spec, image, LinuxOptions.defaults(), state, layers, state.resolve("control"));
        SecuritySetup.apply(plan, spec, image, LinuxOptions.builder().addCapabilities("NET_ADMIN").build(), java.util.List.of(image.resolve("run")),
                java.util.Map.of("CONTAINERV_SECCOMP_LOG", "1"));
        Files.writeString(planFile, plan.render());
        Process p = new ProcessBuilder(helper.toString(), "check-plan", planFile.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo("ok");
    }

    /** A read-only root: rootfs mounted on itself, no upper, work or tmpfs-upper, no layer directory; the helper accepts it. */
    @Test
    void runtimePlanForAReadOnlyRootHasNoWritableLayerAndMakesNothingOnDisk() throws Exception {
        Path image = Files.createDirectories(tmp.resolve("image"));
        Path top = Files.createDirectories(tmp.resolve("top"));
        Path layers = tmp.resolve("layers/c5");
        Path state = Files.createDirectories(tmp.resolve("state/c5"));
        for (ContainerSpec spec : java.util.List.of(ContainerSpec.builder().id("c5").rootfs(image).readOnlyRoot(true).build(),
                ContainerSpec.builder().id("c5").rootfsLayers(java.util.List.of(top, image)).readOnlyRoot(true).build())) {
            String text = PlanBuilder.plan(spec, image, LinuxOptions.defaults(), state, layers, state.resolve("control")).render();
            assertThat(text).contains("rootfs " + image + "\nmerged " + image + "\nroot-readonly\n");
            assertThat(text).doesNotContain("\nupper ", "\nwork ", "tmpfs-upper", "overlay-volatile");
            assertThat(layers).as("no layer directory").doesNotExist();
            Path helper = TestSupport.builtHelper();
            if (helper != null) {
                Path planFile = state.resolve("plan");
                Files.writeString(planFile, text);
                Process p = new ProcessBuilder(helper.toString(), "check-plan", planFile.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertThat(p.waitFor()).as(out).isZero();
            }
        }
        String writable = PlanBuilder.plan(ContainerSpec.builder().id("c5").rootfs(image).build(), image, LinuxOptions.defaults(), state, layers,
                state.resolve("control")).render();
        assertThat(writable).doesNotContain("root-readonly");
    }
}
