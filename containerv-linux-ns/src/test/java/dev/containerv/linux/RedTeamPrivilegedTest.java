package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.IdMapping;
import dev.containerv.api.Layer;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.Signal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.containerv.linux.PrivilegedBed.PROBE;
import static dev.containerv.linux.PrivilegedBed.PROBE_DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The red team's findings against the hardened provider, each tried from inside a real container with the escape
 * probe: control sockets reached through a bind, a device node shipped in the image, TERM to PID 1 from inside.
 * The containers use a private state root and layer root below one directory, so a bind of that directory is the
 * "bind of /run" of the finding without touching the host's containers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedTeamPrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRootOrRootless("cv-redteam-test").privateRoots();
    private static Container victim;

    /** With a user namespace (uid and gid 0 -> 100000, 65536 ids): {@link RedTeamUserNamespacePrivilegedTest}. */
    private static boolean userNamespace;

    @BeforeAll
    static void setUp() throws Exception {
        setUpWith(false);
    }

    static void setUpWith(boolean users) throws Exception {
        // This JUnit runs the superclass's set-up as well as the subclass's that hides it (USERS variant): the
        // second call first removes the container the first made (the bed's work directory is the class's).
        tearDown();
        userNamespace = users;
        PrivilegedBed.requireEscapeProbe();
        victim = BED.runtime().create(spec(newId(), BED.rootfs()).build());
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (victim != null) {
            victim.destroy();
            assertThat(BED.roots().resolve("state").resolve(victim.id())).doesNotExist();
        }
        victim = null;
    }

    private static String newId() {
        return "rt-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ContainerSpec.Builder spec(String id, Path root) {
        ContainerSpec.Builder b = ContainerSpec.builder().id(id).rootfs(root)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL)
                .layer(Layer.hostDirectory(PROBE_DIR, "/probe", Access.READ_ONLY));
        if (userNamespace) {
            IdMapping map = new IdMapping(0, 100000, 65536);
            b.capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.USERS).uidMappings(map).gidMappings(map);
        }
        return b;
    }

    private static void inFreshContainer(ContainerSpec.Builder b, Consumer<Container> body) {
        Container c = BED.runtime().create(b.build());
        try {
            body.accept(c);
        } finally {
            c.destroy();
        }
    }

    private static String probe(Container c, String... args) {
        String[] cmd = Stream.concat(Stream.of(PROBE), Stream.of(args)).toArray(String[]::new);
        ExecResult r = c.exec(ProcessSpec.of(cmd));
        assertThat(r.exitCode()).as("probe exit, stderr: %s", r.stderr()).isZero();
        return r.stdout().trim();
    }

    // ---- finding 1: control sockets through a bind ----

    @Test
    void aBindOfTheStateRootsParentShowsNoStateRoot() {
        String socket = "/hostcv/state/" + victim.id() + "/control";
        inFreshContainer(spec(newId(), BED.rootfs()).layer(Layer.hostDirectory(BED.roots(), "/hostcv", Access.READ_ONLY)), c -> {
            assertThat(probe(c, "control", socket)).isEqualTo("control " + socket + " absent ENOENT connect");
            ExecResult ls = c.exec(ProcessSpec.of("/bin/ls", "-A", "/hostcv/state", "/hostcv/layers"));
            assertThat(ls.exitCode()).as(ls.stderr()).isZero();
            assertThat(ls.stdout().lines().filter(l -> !l.isBlank() && !l.endsWith(":"))).as("masked roots' entries").isEmpty();
        });
        assertThat(victim.exec(ProcessSpec.of("/bin/true")).exitCode()).isZero();
    }

    /**
     * The state root's lock file lies beside the root, so a bind of the root's parent (or a rootless host-root view,
     * which binds the directories holding the roots) showed it: a read lock taken from inside stalled every create and
     * stale-state cleanup of that root on the host for as long as the container wanted. It is masked like the roots.
     */
    @Test
    void aContainerSeeingTheStateRootsLockFileCannotStallCreates() {
        inFreshContainer(spec(newId(), BED.rootfs()).layer(Layer.hostDirectory(BED.roots(), "/hostcv", Access.READ_ONLY)), c -> {
            ContainerProcess holder = c.spawn(ProcessSpec.of(PROBE, "lock", "/hostcv/state.lock", "30"));
            CompletableFuture<Container> create = null;
            try {
                String took = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
                // The probe ran and tried (a probe that died would leave nothing to stall the create, and the test would pass).
                assertThat(took).as("the probe's answer").startsWith("lock /hostcv/state.lock ");
                create = CompletableFuture.supplyAsync(() -> BED.runtime().create(spec(newId(), BED.rootfs()).build()));
                try {
                    create.get(10, TimeUnit.SECONDS).destroy();
                } catch (TimeoutException e) {
                    throw new AssertionError("a create waited 10 s for the state root's lock, held from inside a container: " + took, e);
                }
            } catch (IOException | InterruptedException | ExecutionException e) {
                throw new AssertionError(e);
            } finally {
                holder.destroyForcibly();
                try {
                    holder.waitFor();
                    if (create != null && !create.isDone()) {
                        create.get(30, TimeUnit.SECONDS).destroy();
                    }
                } catch (Exception e) {
                    // the assertion above says what went wrong; a create that failed after the holder left made nothing
                }
            }
        });
    }

    @Test
    void aLayerInsideContainervsOwnDirectoriesIsRefused() {
        // A neighbour's process is outside the victim's pid namespace, so PID 1's peer check cannot tell it from the
        // JVM: a bind of the victim's state directory (its control socket) or layer directory must never be made.
        Path layers = BED.roots().resolve("layers");
        for (Path inside : List.of(BED.roots().resolve("state").resolve(victim.id()), layers.resolve(victim.id() + "+upper"),
                layers.resolve(victim.id() + "+work"))) {
            assertThat(inside).as("the victim's directory").isDirectory();
            String id = newId();
            assertThatThrownBy(() -> BED.runtime().create(spec(id, BED.rootfs()).layer(Layer.hostDirectory(inside, "/victim", Access.READ_ONLY)).build()))
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                    .hasMessageContaining("layer /victim").hasMessageContaining("lies inside containerv's own directory");
            assertThat(BED.runtime().list()).doesNotContain(id);
            assertThat(BED.roots().resolve("state").resolve(id)).doesNotExist();
        }
        assertThat(victim.exec(ProcessSpec.of("/bin/true")).exitCode()).isZero();
    }

    @Test
    void pid1ClosesAControlConnectionFromInsideItsOwnContainer() throws Exception {
        // A hard link of the container's own control socket, in a directory bound into it after it started: no
        // mask can hide what appears later, so PID 1 itself must turn away a client inside its pid namespace.
        // (A neighbour's process is outside this pid namespace and shows pid 0: only the masks above stop it.)
        Path sockets = Files.createDirectories(BED.work().resolve("sockets-" + UUID.randomUUID()));
        inFreshContainer(spec(newId(), BED.rootfs()).layer(Layer.hostDirectory(sockets, "/sockets", Access.READ_ONLY)), c -> {
            try {
                Files.createLink(sockets.resolve("control"), BED.roots().resolve("state").resolve(c.id()).resolve("control"));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThat(probe(c, "control", "/sockets/control")).isEqualTo("control /sockets/control blocked closed");
            assertThat(c.exec(ProcessSpec.of("/bin/true")).exitCode()).as("the JVM outside is still served").isZero();
        });
    }

    // ---- finding 5: a device node in the image ----

    @Test
    void aDeviceNodeShippedInTheImageDoesNotOpen() throws Exception {
        Privileged.assumeRootMode("a normal user cannot make the device node of the image (mknod needs CAP_MKNOD on the host)");
        Path image = BusyboxRootfs.create(BED.work().resolve("image-with-device"));
        Files.createDirectories(image.resolve("imgdev"));
        Process mknod = new ProcessBuilder("mknod", image.resolve("imgdev/null").toString(), "c", "1", "3").inheritIO().start();
        assertThat(mknod.waitFor()).isZero();
        inFreshContainer(spec(newId(), image), c ->
                assertThat(probe(c, "device", "/imgdev/null")).isIn("device /imgdev/null blocked EACCES",
                        "device /imgdev/null blocked EPERM"));
    }

    // ---- finding 6: TERM/INT to PID 1 from inside ----

    @Test
    void termAndIntToPid1FromInsideLeaveTheContainerRunning() throws Exception {
        inFreshContainer(spec(newId(), BED.rootfs()), c -> {
            ExecResult k = c.exec(ProcessSpec.of("/bin/sh", "-c", "kill -TERM 1 && kill -INT 1"));
            assertThat(k.exitCode()).as(k.stderr()).isZero();
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            ExecResult after = c.exec(ProcessSpec.of("/bin/echo", "alive"));
            assertThat(after.stdout().trim()).isEqualTo("alive");
        });
    }

    // ---- finding 2: exhausting the control server ----

    /** A container's PID 1 as the host sees it: the parent of a process spawned into it. */
    private static long initPid(Container c) {
        var sleeper = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
        try {
            return ProcessHandle.of(sleeper.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
        } finally {
            sleeper.kill(Signal.KILL);
        }
    }

    private static List<SocketChannel> idleClients(Container c, int n) throws IOException {
        UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(BED.roots().resolve("state").resolve(c.id()).resolve("control"));
        List<SocketChannel> idle = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idle.add(SocketChannel.open(socket));
        }
        return idle;
    }

    private static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing a socket of ours: nothing to do about it
            }
        }
    }

    private static long fdCount(long pid) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return s.count();
        }
    }

    /** utime + stime of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    @Test
    void connectionsPastTheCapMakeRoomAndAnExecStillRuns() throws Exception {
        Container c = BED.runtime().create(spec(newId(), BED.rootfs()).build());
        List<SocketChannel> idle = new ArrayList<>();
        try {
            long init = initPid(c);
            idle.addAll(idleClients(c, 1100));
            ExecResult r = c.exec(ProcessSpec.of("/bin/echo", "served"));
            assertThat(r.stdout().trim()).as("an exec past the cap").isEqualTo("served");
            assertThat(fdCount(init)).as("PID 1's fds with 1100 idle clients (cap 1024 connections)").isLessThan(1024 + 40);
        } finally {
            closeAll(idle);
            c.destroy();
        }
    }

    @Test
    void aClientWithoutHelloIsClosedAfterTheStreamTimeout() throws Exception {
        Container c = BED.runtime().create(spec(newId(), BED.rootfs()).build());
        List<SocketChannel> idle = new ArrayList<>();
        try {
            idle.addAll(idleClients(c, 1));
            long start = System.nanoTime();
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return idle.get(0).read(ByteBuffer.allocate(16));
                } catch (IOException e) {
                    return -2;
                }
            });
            assertThat(read.get(20, TimeUnit.SECONDS)).as("read on a connection that never sent HELLO").isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("closed after stream-timeout-ms").isGreaterThan(9000);
        } finally {
            closeAll(idle);
            c.destroy();
        }
    }

    @Test
    void outOfFdsPid1BacksOffInsteadOfSpinning() throws Exception {
        Container c = BED.runtime().create(spec(newId(), BED.rootfs()).build());
        List<SocketChannel> idle = new ArrayList<>();
        try {
            long init = initPid(c);
            Path log = BED.roots().resolve("state").resolve(c.id()).resolve("helper.log");
            Process limit = new ProcessBuilder("prlimit", "--pid", Long.toString(init), "--nofile=48:48").inheritIO().start();
            assertThat(limit.waitFor()).isZero();
            idle.addAll(idleClients(c, 80));
            Thread.sleep(300);
            long ticks = cpuTicks(init);
            long logSize = Files.size(log);
            Thread.sleep(2000);
            assertThat(cpuTicks(init) - ticks).as("PID 1's CPU ticks in 2 s at EMFILE").isLessThan(40);
            assertThat(Files.size(log) - logSize).as("helper.log growth in 2 s at EMFILE").isLessThan(1024);
            closeAll(idle);
            idle.clear();
            ExecResult r = c.exec(ProcessSpec.of("/bin/echo", "served"));
            assertThat(r.stdout().trim()).as("an exec once the idle clients left").isEqualTo("served");
        } finally {
            closeAll(idle);
            c.destroy();
        }
    }

    @Test
    void unfinishedFramesOfAllConnectionsAreCapped() throws Exception {
        Container c = BED.runtime().create(spec(newId(), BED.rootfs()).build());
        List<SocketChannel> big = new ArrayList<>();
        try {
            big.addAll(idleClients(c, 10));
            // HELLO (control, version 1), then the header of a 4 MiB PING and almost all of its payload.
            ByteBuffer hello = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            hello.putInt(18).putShort((short) 1).putInt(1).putShort((short) 1).putShort((short) 0).putLong(0).flip();
            ByteBuffer head = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
            head.putInt(4 * 1024 * 1024).putShort((short) 3).flip();
            ByteBuffer body = ByteBuffer.allocate(4 * 1024 * 1024 - 4096);
            Set<SocketChannel> refused = new HashSet<>();
            for (SocketChannel ch : big) {
                try {
                    ch.write(hello.duplicate());
                    ch.write(head.duplicate());
                    ByteBuffer b = body.duplicate();
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                } catch (IOException e) {
                    refused.add(ch);
                }
            }
            Thread.sleep(500);
            for (SocketChannel ch : big) {
                ch.configureBlocking(false);
                ByteBuffer in = ByteBuffer.allocate(4096);
                try {
                    int n;
                    while ((n = ch.read(in)) > 0) {
                        in.clear();
                    }
                    if (n < 0) {
                        refused.add(ch);
                    }
                } catch (IOException e) {
                    refused.add(ch);
                }
            }
            assertThat(refused.size()).as("connections closed with 10 unfinished 4 MiB frames (32 MiB for all)").isGreaterThanOrEqualTo(2);
            assertThat(c.exec(ProcessSpec.of("/bin/echo", "served")).stdout().trim()).isEqualTo("served");
        } finally {
            closeAll(big);
            c.destroy();
        }
    }

    // ---- finding 8: default tmpfs sizes ----

    // ---- issue 18 item 12: PID 1 and the mount table name nothing of the host ----

    @Test
    void pid1AndTheMountTableNameNothingOfTheHost() {
        inFreshContainer(ContainerSpec.builder().id(newId()).rootfs(BED.rootfs()).capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL), c -> {
            ExecResult cmdline = c.exec(ProcessSpec.of("/bin/sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"));
            assertThat(cmdline.stdout().strip()).as("/proc/1/cmdline").isEqualTo("containerv-helper init");
            ExecResult seen = c.exec(ProcessSpec.of("/bin/sh", "-c",
                    "cat /proc/1/environ; readlink /proc/1/exe /proc/1/cwd /proc/1/root; cat /proc/self/mountinfo /proc/1/mountinfo"));
            String all = seen.stdout();
            assertThat(all).as("what a container process reads of PID 1 and its mounts").contains(" / / ")
                    .doesNotContain(BED.work().toString()).doesNotContain(BED.rootfs().toString()).doesNotContain(BED.roots().toString())
                    .doesNotContain("/var/cache/containerv").doesNotContain("/var/lib/containerv").doesNotContain("/run/containerv")
                    .doesNotContain("containerv-helper init /").doesNotContain("JAVA").doesNotContain("PATH=");
            // PID 1's environment, as root on the host reads it: the supervisor was started with none.
            try {
                assertThat(Files.readAllBytes(Path.of("/proc", Long.toString(initPid(c)), "environ"))).as("the init's environment").isEmpty();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void devShmIs64MiBByDefault() {
        inFreshContainer(spec(newId(), BED.rootfs()), c -> {
            ExecResult r = c.exec(ProcessSpec.of("/bin/sh", "-c", "grep ' /dev/shm ' /proc/mounts"));
            assertThat(r.stdout()).as("/dev/shm in /proc/mounts").contains("size=65536k");
        });
    }
}
