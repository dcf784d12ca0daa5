package dev.containerv.linux;

import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.IdMapping;
import dev.containerv.linux.proc.Proc;
import dev.containerv.testkit.ContainerConformanceSuite;
import dev.containerv.testkit.GuestFixture;
import dev.containerv.testkit.PosixShellFixture;
import dev.containerv.testkit.TestRootfs;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance suite against linux-ns run by a normal user (rootless), with the user's own roots; its parity
 * report is {@code conformance-linux-ns-rootless.md}. Run by {@link RootlessSuitePrivilegedTest} in a JVM of a
 * throw-away user (not by Surefire: the name does not end in Test); refuses to run as root, where it would test the
 * root mode again.
 */
class RootlessConformance extends ContainerConformanceSuite {
    private final ContainerRuntime runtime = new LinuxNamespacesProvider().createRuntime();

    @BeforeAll
    void unprivileged() throws IOException {
        assertThat(Proc.HOST.euid()).as("the rootless conformance suite must run as a normal user").isNotZero();
    }

    @Override
    protected ContainerRuntime runtime() {
        return runtime;
    }

    @Override
    protected String providerName() {
        return "linux-ns-rootless";
    }

    @Override
    protected GuestFixture fixture() {
        return new PosixShellFixture();
    }

    @Override
    protected Path rootfs() {
        return TestRootfs.shared();
    }

    /** Container 0 is the user (what a normal user's container must map it to), 1.. its subordinate uids. */
    @Override
    protected List<IdMapping> idMappingRuleUids() {
        return ruleMappings(RootlessChecks.SUBUID_PROPERTY, "subuid", euid());
    }

    @Override
    protected List<IdMapping> idMappingRuleGids() {
        try {
            return ruleMappings(RootlessChecks.SUBGID_PROPERTY, "subgid", Proc.HOST.egid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long euid() {
        try {
            return Proc.HOST.euid();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code 0 <own> 1} and {@code 1 <start> <count>} of the user's range: the one the suite's parent gave in
     * {@code property}, else the user's first line of {@code /etc/<file>}.
     */
    private static List<IdMapping> ruleMappings(String property, String file, long own) {
        String range = System.getProperty(property);
        if (range == null) {
            String user = System.getProperty("user.name");
            try {
                range = Files.readAllLines(Path.of("/etc", file)).stream().filter(l -> l.startsWith(user + ":"))
                        .map(l -> l.substring(user.length() + 1)).findFirst().orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (range == null) {
            return List.of(new IdMapping(0, own, 1));
        }
        String[] f = range.split(":");
        return List.of(new IdMapping(0, own, 1), new IdMapping(1, Long.parseLong(f[0]), Long.parseLong(f[1])));
    }

    @Override
    protected Optional<List<String>> hostLeftovers(String id) {
        LinuxOptions roots = LinuxOptions.defaults();
        List<String> left = new ArrayList<>();
        if (Files.exists(roots.stateRoot().resolve(id))) {
            left.add("state directory " + roots.stateRoot().resolve(id));
        }
        try {
            LayerEntries.of(roots.layerRoot(), id).forEach(n -> left.add("layer directory " + roots.layerRoot().resolve(n)));
        } catch (java.io.IOException e) {
            left.add("layer root " + roots.layerRoot() + " unreadable: " + e);
        }
        // Run inside a delegated cgroup subtree (RootlessCgroupDelegationPrivilegedTest), each container has a cgroup there.
        String subtree = System.getProperty(DelegatedSubtreeChecks.SUBTREE_PROPERTY);
        if (subtree != null && Files.exists(Path.of(subtree, "containerv", id))) {
            left.add("cgroup " + Path.of(subtree, "containerv", id));
        }
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.filter(h -> h.info().commandLine().orElse("").contains("/" + id + "/"))
                    .forEach(h -> left.add("process " + h.pid() + " " + h.info().commandLine().orElse("")));
        }
        return Optional.of(left);
    }
}
