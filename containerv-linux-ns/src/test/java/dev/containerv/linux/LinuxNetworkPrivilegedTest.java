package dev.containerv.linux;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.linux.state.StateFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.containerv.linux.PrivilegedBed.assertGone;
import static dev.containerv.linux.PrivilegedBed.hostLinkOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Container networking for real: root, a busybox rootfs, the helper built by this module. Every address used lies in
 * a 10.214.x.0/24 inside a veth pair these tests make (the conformance suite uses 10.213.x).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LinuxNetworkPrivilegedTest {
    private static final Path STATE_ROOT = Path.of("/run/containerv");
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-net-test");

    private static String newId() {
        return "n-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ContainerSpec spec(String id, NetworkSpec net) {
        return ContainerSpec.builder().id(id).rootfs(BED.rootfs()).hostname("box-" + id)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK).network(net).build();
    }

    private static NetworkSpec subnet(int x) {
        return NetworkSpec.builder().containerAddress("10.214." + x + ".2/24").hostAddress("10.214." + x + ".1").build();
    }

    private static ExecResult sh(Container c, String script) {
        return c.exec(ProcessSpec.of("/bin/sh", "-c", script));
    }

    @Test
    void theContainerHasEth0WithItsAddressLoUpAndTheRouteAndTheHostSideIsUpWithItsAddress() throws Exception {
        String id = newId();
        NetworkSpec net = NetworkSpec.builder().containerAddress("10.214.1.2/24").hostAddress("10.214.1.1").gateway("10.214.1.1")
                .dns("10.214.1.1", "10.214.1.53").build();
        try (Container c = BED.runtime().create(spec(id, net))) {
            assertThat(hostLinkOf(id)).exists();
            assertThat(hostLinkOf(id).getFileName().toString()).matches("cv[0-9a-f]{12}");
            assertThat(Files.readString(hostLinkOf(id).resolve("operstate")).trim()).isEqualTo("up");
            // One queue each way, asked for at creation: a queue per CPU would be cut down right after, which waits
            // for RCU grace periods in every create (ip(8) only reads here).
            Process ipd = new ProcessBuilder("ip", "-d", "link", "show", hostLinkOf(id).getFileName().toString())
                    .redirectErrorStream(true).start();
            assertThat(new String(ipd.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("numtxqueues 1 numrxqueues 1");
            assertThat(ipd.waitFor()).isZero();
            String links = sh(c, "ip -o link show").stdout();
            assertThat(links).contains("lo:", "eth0@").doesNotContain(hostLinkOf(id).getFileName().toString() + ":");
            assertThat(sh(c, "ip -o -4 addr show dev eth0").stdout()).contains("inet 10.214.1.2/24");
            assertThat(sh(c, "ip link show lo").stdout()).contains("UP");
            assertThat(sh(c, "ip route").stdout()).contains("default via 10.214.1.1 dev eth0");
            assertThat(sh(c, "cat /etc/resolv.conf").stdout()).contains("nameserver 10.214.1.1\nnameserver 10.214.1.53\n");
            assertThat(sh(c, "cat /etc/hosts").stdout()).contains("10.214.1.2\tbox-" + id + "\n");
            // The host's own resolv.conf and the rootfs are untouched: the files are the container's.
            assertThat(BED.rootfs().resolve("etc/resolv.conf")).doesNotExist();
            // stats() counts eth0: a ping to the host side makes packets both ways.
            sh(c, "ping -c 2 -W 2 10.214.1.1");
            assertThat(c.stats().networkRxBytes()).isPositive();
            assertThat(c.stats().networkTxBytes()).isPositive();
        }
        assertGone(id);
    }

    /**
     * The pair normally goes with the init's network namespace (the supervisor only waits until the kernel has
     * unlisted the host side). A namespace someone else keeps alive (here: this JVM holds its nsfs file open, as
     * {@code ip netns} or {@code nsenter} would) keeps the pair too: the supervisor then deletes it itself after
     * 250 ms, and destroy still leaves no link.
     */
    @Test
    void aNetworkNamespaceKeptAliveByAnotherProcessStillLosesTheHostLinkAtDestroy() throws Exception {
        String id = newId();
        Container c = BED.runtime().create(spec(id, subnet(4)));
        var sleeper = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
        long init = ProcessHandle.of(sleeper.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
        try (var ns = java.nio.channels.FileChannel.open(Path.of("/proc", Long.toString(init), "ns", "net"))) {
            c.destroy();
            assertThat(hostLinkOf(id)).as("the host side, with the namespace still held").doesNotExist();
        }
        assertGone(id);
    }

    @Test
    void twoContainersOnDifferentSubnetsEachReachOnlyTheirOwnHostAddressAndAreReachedOnTheirs() throws Exception {
        String id1 = newId();
        String id2 = newId();
        try (Container c1 = BED.runtime().create(spec(id1, subnet(2)));
             Container c2 = BED.runtime().create(spec(id2, subnet(3)))) {
            assertThat(hostLinkOf(id1)).isNotEqualTo(hostLinkOf(id2));
            try (ServerSocket s1 = new ServerSocket(0, 5, InetAddress.getByName("10.214.2.1"));
                 ServerSocket s2 = new ServerSocket(0, 5, InetAddress.getByName("10.214.3.1"))) {
                assertThat(echoFromContainer(c1, s1, "10.214.2.1", "one")).isEqualTo("one");
                assertThat(echoFromContainer(c2, s2, "10.214.3.1", "two")).isEqualTo("two");
                // No route to the other subnet: the other container's host side is out of reach.
                assertThat(sh(c1, "echo x | nc -w 2 10.214.3.1 " + s2.getLocalPort() + "; echo rc=$?").stdout()).contains("rc=1");
                assertThat(sh(c2, "echo x | nc -w 2 10.214.2.1 " + s1.getLocalPort() + "; echo rc=$?").stdout()).contains("rc=1");
            }
            assertThat(serveFromContainer(c1, "10.214.2.2", "to one")).isEqualTo("to one");
            assertThat(serveFromContainer(c2, "10.214.3.2", "to two")).isEqualTo("to two");
        }
        assertGone(id1);
        assertGone(id2);
    }

    private static String echoFromContainer(Container c, ServerSocket server, String address, String message) throws Exception {
        server.setSoTimeout(20_000);
        CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        ExecResult r = sh(c, "printf %s " + message + " | nc -w 5 " + address + " " + server.getLocalPort());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return got.get(20, TimeUnit.SECONDS);
    }

    private static String serveFromContainer(Container c, String address, String message) throws Exception {
        int port = 30000 + (int) (Math.random() * 10000);
        dev.containerv.api.ContainerProcess server = c.spawn(ProcessSpec.of("/bin/nc", "-l", "-p", Integer.toString(port)));
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return server.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket(address, port)) {
                s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
        return new String(out.get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    @Test
    void aSecondContainerOnAnUsedSubnetIsRefusedNamingTheSubnetAndTheFirstContainer() throws Exception {
        String first = newId();
        String second = newId();
        try (Container c = BED.runtime().create(spec(first, subnet(4)))) {
            NetworkSpec same = NetworkSpec.builder().containerAddress("10.214.4.3/24").hostAddress("10.214.4.4").build();
            assertThatThrownBy(() -> BED.runtime().create(spec(second, same)))
                    .isInstanceOfSatisfying(ContainerException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS);
                        assertThat(e.containerId()).contains(second);
                    })
                    .hasMessageContaining("10.214.4.0/24").hasMessageContaining("'" + first + "'")
                    .hasMessageContaining(hostLinkOf(first).getFileName().toString());
            assertGone(second);
            // The refused create had taken or started its supervisor before the check (Standbys, EarlyStart): it has
            // ended. (The standby started for the next create names no plan yet.)
            assertThat(ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("containerv-helper"))
                    .filter(p -> p.info().commandLine().orElse("").contains("/plan")))
                    .as("this JVM's helpers: the first container's supervisor only").hasSize(1);
            assertThat(c.exec(ProcessSpec.of("true")).exitCode()).isZero();
        }
        assertGone(first);
        // Free again once the first is gone.
        try (Container c = BED.runtime().create(spec(second, subnet(4)))) {
            assertThat(hostLinkOf(second)).exists();
        }
        assertGone(second);
    }

    @Test
    void aFailedCreateLeavesNoVeth() throws Exception {
        String id = newId();
        Path src = Files.createDirectories(BED.work().resolve("bind-src"));
        // The supervisor makes the pair before the init mounts; the bind under a regular file then fails (ENOTDIR).
        ContainerSpec bad = ContainerSpec.builder().id(id).rootfs(BED.rootfs())
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK).network(subnet(5))
                .layer(dev.containerv.api.Layer.hostDirectory(src, "/etc/marker/sub", dev.containerv.api.Access.READ_ONLY)).build();
        assertThatThrownBy(() -> BED.runtime().create(bad)).isInstanceOf(ContainerException.class).hasMessageContaining("/etc/marker/sub");
        assertGone(id);
    }

    @Test
    void whenTheCreatingJvmIsKilledTheVethGoesWithTheContainer() throws Exception {
        String id = newId();
        Process child = ChildJvm.start("create-net", id, BED.rootfs().toString(), "10.214.6.2/24", "10.214.6.1");
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("created " + id);
            assertThat(hostLinkOf(id)).exists();
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((Files.exists(STATE_ROOT.resolve(id)) || Files.exists(hostLinkOf(id))) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(200);
        assertGone(id);
    }

    /**
     * The same without any destroy (whose leftover removal would delete a link the supervisor left): the creating JVM
     * is killed while this JVM holds the container's network namespace, so only the supervisor's own deletion (its
     * fallback after 250 ms) can remove the pair before the supervisor exits.
     */
    @Test
    void whenTheCreatingJvmIsKilledTheSupervisorDeletesTheLinkEvenWhileTheNamespaceIsHeldOpen() throws Exception {
        String id = newId();
        Process child = ChildJvm.start("create-net", id, BED.rootfs().toString(), "10.214.7.2/24", "10.214.7.1");
        StateFile state;
        java.nio.channels.FileChannel ns;
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("created " + id);
            assertThat(hostLinkOf(id)).exists();
            state = StateFile.read(STATE_ROOT.resolve(id));
            ns = java.nio.channels.FileChannel.open(Path.of("/proc", Long.toString(state.initPid()), "ns", "net"));
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        try (ns) {
            ProcessHandle supervisor = ProcessHandle.of(state.supervisorPid()).orElse(null);
            if (supervisor != null) {
                supervisor.onExit().get(20, TimeUnit.SECONDS);
            }
            assertThat(hostLinkOf(id)).as("the host side when the supervisor has exited, the namespace still held").doesNotExist();
        }
        assertGone(id);
    }

    @Test
    void theStaleStateCleanupRemovesTheLinkOfADeadContainer() throws Exception {
        String id = newId();
        Path stateDir = Files.createDirectories(STATE_ROOT.resolve(id));
        String link = hostLinkOf(id).getFileName().toString();
        // A link of the container's name without a container: made with ip(8) by the test, never by the library.
        Process ip = new ProcessBuilder("ip", "link", "add", link, "type", "veth", "peer", "name", link + "p").inheritIO().start();
        assertThat(ip.waitFor()).isZero();
        try {
            Files.setLastModifiedTime(stateDir, FileTime.from(Instant.now().minusSeconds(3600))); // no state, an hour old: stale
            assertThat(BED.runtime().list()).doesNotContain(id);
            assertGone(id);
        } finally {
            if (Files.exists(hostLinkOf(id))) {
                new ProcessBuilder("ip", "link", "delete", link).inheritIO().start().waitFor();
            }
            if (Files.exists(stateDir)) {
                Files.delete(stateDir);
            }
        }
    }
}
