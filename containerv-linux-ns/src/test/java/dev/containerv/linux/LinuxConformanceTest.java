package dev.containerv.linux;

import dev.containerv.api.ContainerRuntime;
import dev.containerv.testkit.ContainerConformanceSuite;
import dev.containerv.testkit.GuestFixture;
import dev.containerv.testkit.PosixShellFixture;
import dev.containerv.testkit.TestRootfs;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The conformance suite against the real Linux provider (as root; skipped or failed otherwise, see {@link Privileged}). */
class LinuxConformanceTest extends ContainerConformanceSuite {
    private static final Path STATE_ROOT = Path.of("/run/containerv");
    private static final Path LAYER_ROOT = Path.of("/var/lib/containerv");
    private final ContainerRuntime runtime = new LinuxNamespacesProvider().createRuntime();

    @BeforeAll
    void privileged() {
        Privileged.require();
    }

    @Override
    protected ContainerRuntime runtime() {
        return runtime;
    }

    @Override
    protected GuestFixture fixture() {
        return new PosixShellFixture();
    }

    @Override
    protected Path rootfs() {
        return TestRootfs.shared();
    }

    @Override
    protected Optional<List<String>> hostLeftovers(String id) {
        List<String> left = new ArrayList<>();
        if (Files.exists(STATE_ROOT.resolve(id))) {
            left.add("state directory " + STATE_ROOT.resolve(id));
        }
        try {
            LayerEntries.of(LAYER_ROOT, id).forEach(n -> left.add("layer directory " + LAYER_ROOT.resolve(n)));
        } catch (java.io.IOException e) {
            left.add("layer root " + LAYER_ROOT + " unreadable: " + e);
        }
        HostCgroupDirs.of(id).forEach(d -> left.add("cgroup " + d));
        Path link = Path.of("/sys/class/net", dev.containerv.linux.network.HostLinkName.of(STATE_ROOT.resolve(id)));
        if (Files.exists(link)) {
            left.add("veth " + link.getFileName());
        }
        try {
            Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains("/" + id + "/") || l.contains("/" + id + " "))
                    .forEach(l -> left.add("mount " + l));
        } catch (IOException e) {
            left.add("cannot read /proc/self/mountinfo: " + e);
        }
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.filter(h -> h.info().commandLine().orElse("").contains("/" + id + "/"))
                    .forEach(h -> left.add("process " + h.pid() + " " + h.info().commandLine().orElse("")));
        }
        return Optional.of(left);
    }
}
