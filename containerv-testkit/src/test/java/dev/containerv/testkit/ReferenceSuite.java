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
import java.util.Optional;
import java.util.Set;

/**
 * What every suite over the reference host-process provider shares: a private base directory for the
 * containers' roots, the runtime, its guest and root file system. Subclasses decide the flaws and which
 * hooks they override.
 */
abstract class ReferenceSuite extends ContainerConformanceSuite {
    private final Path base;
    private final HostProcessRuntime runtime;
    private final boolean claimsIsolation;

    ReferenceSuite(String name, Set<Flaw> flaws) {
        claimsIsolation = flaws.contains(Flaw.CLAIMS_ISOLATION);
        try {
            base = Files.createTempDirectory("containerv-host-process-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runtime = new HostProcessRuntime(name, base, flaws);
    }

    @AfterAll
    void removeWhatTheProviderLeft() {
        // Broken variants leave processes and directories behind on purpose; only this JVM's children are ended.
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        TestRootfs.deleteTree(base);
    }

    /** The reference runtime, for hooks that look at where it keeps things. */
    final HostProcessRuntime referenceRuntime() {
        return runtime;
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
        return claimsIsolation ? Optional.empty() : Optional.of("host processes share the host's namespaces");
    }
}
