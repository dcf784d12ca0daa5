package dev.containerv.testkit;

import dev.containerv.api.ContainerRuntime;
import dev.containerv.testkit.reference.HostProcessFixture;
import dev.containerv.testkit.reference.HostProcessRuntime;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A provider's suite that forgot to override {@link #hostLeftovers(String)}: the test about debris must say
 * so by skipping, not pass having looked at nothing. Run only by {@link ConformanceSuiteMetaTest}.
 */
class SuiteWithoutLeftoverCheck extends ContainerConformanceSuite {
    private final Path base;
    private final HostProcessRuntime runtime;

    SuiteWithoutLeftoverCheck() {
        try {
            base = Files.createTempDirectory("containerv-host-process-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runtime = new HostProcessRuntime("host-process-unchecked", base, Set.of());
    }

    @AfterAll
    void removeTheBase() {
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
    protected Function<String, String> environment() {
        return name -> null;
    }
}
