package dev.containerv.linux;

import dev.containerv.api.ContainerRuntime;
import dev.containerv.spi.FileTrees;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The set-up the privileged test classes share, as a class-level extension
 * ({@code @RegisterExtension static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-x-test");}): before the
 * class, {@link Privileged#require()} (skip or, with CONTAINERV_REQUIRE_PRIVILEGED=1, fail), a fresh work directory
 * and the busybox root file system in it ({@link BusyboxRootfs}); after the class (after its {@code @AfterAll}), the
 * work directory is deleted. The runtime is made on first use, with the default roots or, for
 * {@link #privateRoots()}, roots of its own below the work directory. {@link #assertGone(String)} is the leftovers
 * check of a container destroyed under the default roots.
 */
final class PrivilegedBed implements BeforeAllCallback, AfterAllCallback {
    // The default roots: /run/containerv and /var/lib/containerv as root, the user's own places rootless.
    static final Path STATE_ROOT = LinuxOptions.defaults().stateRoot();
    static final Path LAYER_ROOT = LinuxOptions.defaults().layerRoot();
    /** Where {@code make test} (process-test-classes) builds the escape probe of {@code src/test/c/escape_probe.c}. */
    static final Path PROBE_DIR = Path.of("target/native-test/test").toAbsolutePath();
    /** The probe where the escape and red-team containers see it ({@link #PROBE_DIR} bound read-only at /probe). */
    static final String PROBE = "/probe/escape-probe";

    private final String prefix;
    private final boolean rootlessToo;
    private final boolean privateRoots;
    private boolean rootless;
    private Path work;
    private Path rootfs;
    private ContainerRuntime runtime;

    private PrivilegedBed(String prefix, boolean rootlessToo, boolean privateRoots) {
        this.prefix = prefix;
        this.rootlessToo = rootlessToo;
        this.privateRoots = privateRoots;
    }

    /** A bed for tests that need root ({@link Privileged#require()}); {@code prefix} names the work directory. */
    static PrivilegedBed asRoot(String prefix) {
        return new PrivilegedBed(prefix, false, false);
    }

    /** A bed for the suites that hold as root and rootless alike ({@link Privileged#requireRootOrRootless()}). */
    static PrivilegedBed asRootOrRootless(String prefix) {
        return new PrivilegedBed(prefix, true, false);
    }

    /** This bed, with a runtime whose state and layer roots are {@code roots/state} and {@code roots/layers} of the work directory. */
    PrivilegedBed privateRoots() {
        return new PrivilegedBed(prefix, rootlessToo, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        rootless = false;
        if (rootlessToo) {
            rootless = Privileged.requireRootOrRootless();
        } else {
            Privileged.require();
        }
        work = Files.createTempDirectory(prefix);
        rootfs = BusyboxRootfs.create(work.resolve("rootfs"));
        if (privateRoots) {
            Files.createDirectories(roots());
        }
        runtime = null;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (work != null) {
            FileTrees.deleteTree(work);
        }
        work = null;
        rootfs = null;
        runtime = null;
    }

    /** Whether this JVM runs rootless (only a bed {@link #asRootOrRootless} lets it). */
    boolean rootless() {
        return rootless;
    }

    /** The class's work directory, deleted after the class. */
    Path work() {
        return work;
    }

    /** The busybox root file system in the work directory. */
    Path rootfs() {
        return rootfs;
    }

    /** The directory holding the private roots ({@link #privateRoots()}). */
    Path roots() {
        return work.resolve("roots");
    }

    /** The runtime of the class, made on first use. */
    ContainerRuntime runtime() {
        if (runtime == null) {
            if (privateRoots) {
                runtime = new LinuxNamespacesProvider().createRuntime(LinuxOptions.builder()
                        .stateRoot(roots().resolve("state")).layerRoot(roots().resolve("layers")).build());
            } else {
                runtime = new LinuxNamespacesProvider().createRuntime();
            }
        }
        return runtime;
    }

    /** Fails the set-up unless {@code make test} built the escape probe. */
    static void requireEscapeProbe() {
        assertThat(PROBE_DIR.resolve("escape-probe")).as("built by make test (process-test-classes)").isExecutable();
    }

    /** Where the host lists the host side of the veth of container {@code id} under the default state root. */
    static Path hostLinkOf(String id) {
        return Path.of("/sys/class/net", dev.containerv.linux.network.HostLinkName.of(STATE_ROOT.resolve(id)));
    }

    /**
     * Nothing of container {@code id} (made under the default roots) is left on the host: state and layer
     * directories, mounts, cgroups, the host side of its veth, helper processes.
     */
    static void assertGone(String id) throws IOException {
        assertThat(STATE_ROOT.resolve(id)).doesNotExist();
        assertThat(LayerEntries.of(LAYER_ROOT, id)).as("layer directories of " + id).isEmpty();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain("/" + id + "/");
        assertThat(HostCgroupDirs.of(id)).as("cgroup directories of " + id).isEmpty();
        assertThat(hostLinkOf(id)).as("the host side of the veth of " + id).doesNotExist();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            assertThat(all.map(h -> h.info().commandLine().orElse("")).filter(l -> l.contains("/" + id + "/plan")).toList())
                    .as("helper processes of " + id).isEmpty();
        }
    }
}
