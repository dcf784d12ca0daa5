package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ExecResult;
import dev.containerv.api.Layer;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The red team's findings against the hardened provider, each tried from inside a real container with the escape
 * probe: control sockets reached through a bind, a device node shipped in the image, TERM to PID 1 from inside.
 * The containers use a private state root and layer root below one directory, so a bind of that directory is the
 * "bind of /run" of the finding without touching the host's containers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedTeamPrivilegedTest {
    private static final Path PROBE_DIR = Path.of("target/native-test/test").toAbsolutePath();
    private static final String PROBE = "/probe/escape-probe";
    private static Path work;
    private static Path roots;
    private static Path rootfs;
    private static ContainerRuntime runtime;
    private static Container victim;

    @BeforeAll
    static void setUp() throws Exception {
        Privileged.require();
        assertThat(PROBE_DIR.resolve("escape-probe")).as("built by make test (process-test-classes)").isExecutable();
        work = Files.createTempDirectory("cv-redteam-test");
        rootfs = BusyboxRootfs.create(work.resolve("rootfs"));
        roots = Files.createDirectories(work.resolve("roots"));
        runtime = new LinuxNamespacesProvider().createRuntime(LinuxOptions.builder()
                .stateRoot(roots.resolve("state")).layerRoot(roots.resolve("layers")).build());
        victim = runtime.create(spec(newId(), rootfs).build());
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (victim != null) {
            victim.destroy();
            assertThat(roots.resolve("state").resolve(victim.id())).doesNotExist();
        }
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String newId() {
        return "rt-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ContainerSpec.Builder spec(String id, Path root) {
        return ContainerSpec.builder().id(id).rootfs(root)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL)
                .layer(Layer.hostDirectory(PROBE_DIR, "/probe", Access.READ_ONLY));
    }

    private static void inFreshContainer(ContainerSpec.Builder b, Consumer<Container> body) {
        Container c = runtime.create(b.build());
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
        inFreshContainer(spec(newId(), rootfs).layer(Layer.hostDirectory(roots, "/hostcv", Access.READ_ONLY)), c -> {
            assertThat(probe(c, "control", socket)).isEqualTo("control " + socket + " absent ENOENT connect");
            ExecResult ls = c.exec(ProcessSpec.of("/bin/ls", "-A", "/hostcv/state", "/hostcv/layers"));
            assertThat(ls.exitCode()).as(ls.stderr()).isZero();
            assertThat(ls.stdout().lines().filter(l -> !l.isBlank() && !l.endsWith(":"))).as("masked roots' entries").isEmpty();
        });
        assertThat(victim.exec(ProcessSpec.of("/bin/true")).exitCode()).isZero();
    }

    @Test
    void pid1ClosesAControlConnectionFromInsideItsOwnContainer() throws Exception {
        // A hard link of the container's own control socket, in a directory bound into it after it started: no
        // mask can hide what appears later, so PID 1 itself must turn away a client inside its pid namespace.
        // (A neighbour's process is outside this pid namespace and shows pid 0: only the masks above stop it.)
        Path sockets = Files.createDirectories(work.resolve("sockets-" + UUID.randomUUID()));
        inFreshContainer(spec(newId(), rootfs).layer(Layer.hostDirectory(sockets, "/sockets", Access.READ_ONLY)), c -> {
            try {
                Files.createLink(sockets.resolve("control"), roots.resolve("state").resolve(c.id()).resolve("control"));
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
        Path image = BusyboxRootfs.create(work.resolve("image-with-device"));
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
        inFreshContainer(spec(newId(), rootfs), c -> {
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
}
