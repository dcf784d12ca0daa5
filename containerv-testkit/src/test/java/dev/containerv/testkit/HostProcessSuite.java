package dev.containerv.testkit;

import dev.containerv.api.ContainerRuntime;
import dev.containerv.testkit.reference.Flaw;
import dev.containerv.testkit.reference.HostProcessFixture;
import dev.containerv.testkit.reference.HostProcessRuntime;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The suite against the reference host-process provider, with the flaws the current meta-test chose. Not a
 * test of its own (surefire does not pick it up by name): {@link ConformanceSuiteMetaTest} runs it through
 * {@code EngineTestKit} after {@link #configure}.
 */
class HostProcessSuite extends ContainerConformanceSuite {
    private static volatile Set<Flaw> flaws = EnumSet.noneOf(Flaw.class);
    private static volatile Function<String, String> environment = name -> null;

    private final Path base;
    private final HostProcessRuntime runtime;

    HostProcessSuite() {
        try {
            base = Files.createTempDirectory("containerv-host-process-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<Flaw> chosen = flaws;
        String name = chosen.isEmpty() ? "host-process"
                : "host-process-" + chosen.stream().map(f -> f.name().toLowerCase().replace('_', '-')).collect(Collectors.joining("+"));
        runtime = new HostProcessRuntime(name, base, chosen);
    }

    /** The flaws and the environment of the next runs; the meta-tests run one at a time. */
    static void configure(Set<Flaw> withFlaws, Function<String, String> env) {
        flaws = withFlaws.isEmpty() ? EnumSet.noneOf(Flaw.class) : EnumSet.copyOf(withFlaws);
        environment = env;
    }

    @AfterAll
    void removeWhatTheProviderLeft() {
        // Broken variants leave processes and directories behind on purpose; only this JVM's children are ended.
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        TestRootfs.deleteTree(base);
    }

    @Override
    protected ContainerRuntime runtime() {
        return runtime;
    }

    @Override
    protected GuestFixture fixture() {
        return new HostProcessFixture();
    }

    @Override
    protected Path rootfs() {
        return TestRootfs.shared();
    }

    @Override
    protected Optional<String> isolationUnverifiable() {
        return Optional.of("host processes share the host's namespaces");
    }

    @Override
    protected List<String> hostLeftovers(String containerId) {
        List<String> left = new ArrayList<>();
        Path root = runtime.rootOf(containerId);
        if (Files.exists(root)) {
            left.add("root directory " + root);
        }
        return left;
    }

    @Override
    protected Function<String, String> environment() {
        return environment;
    }
}
