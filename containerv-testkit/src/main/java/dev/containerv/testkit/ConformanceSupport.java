package dev.containerv.testkit;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.RuntimeFeature;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.TestAbortedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The machinery the rule interfaces share, one per running {@link ContainerConformanceSuite}: the provider's
 * factories and hooks as the suite's subclass answers them, the skips ({@code requires...}), the containers
 * and host directories a test made (removed after it, pass or fail, and checked for debris), the container the
 * read-only tests share, and helpers for streams and expected failures.
 *
 * <p>Public only because {@link ConformanceRules#tck()} returns it; its members are the kit's own. A provider's
 * extra tests use the suite's protected helpers ({@link ContainerConformanceSuite#create} and the like).
 */
public final class ConformanceSupport {
    /** Every process a test waits for gets this long before the test fails. */
    static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(60);
    static final SecureRandom RANDOM = new SecureRandom();

    private final ContainerConformanceSuite suite;
    private final List<Container> created = new CopyOnWriteArrayList<>();
    private final List<Path> hostTemp = new CopyOnWriteArrayList<>();
    private Container shared;

    ConformanceSupport(ContainerConformanceSuite suite) {
        this.suite = suite;
    }

    // ---- the provider's factories and hooks ----

    ContainerRuntime runtime() {
        return suite.runtime();
    }

    GuestFixture fixture() {
        return suite.fixture();
    }

    Path rootfs() {
        return suite.rootfs();
    }

    String providerName() {
        return suite.providerName();
    }

    ContainerSpec.Builder specBuilder(String id) {
        return suite.specBuilder(id);
    }

    List<dev.containerv.api.IdMapping> idMappingRuleUids() {
        return suite.idMappingRuleUids();
    }

    List<dev.containerv.api.IdMapping> idMappingRuleGids() {
        return suite.idMappingRuleGids();
    }

    Set<Capability> defaultCapabilities() {
        return suite.defaultCapabilities();
    }

    /** The default capabilities and one more. */
    Set<Capability> with(Capability extra) {
        EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
        caps.addAll(defaultCapabilities());
        caps.add(extra);
        return caps;
    }

    /** What a destroyed container left on the host, or empty if the provider's suite does not look. */
    Optional<List<String>> hostLeftovers(String containerId) {
        return suite.hostLeftovers(containerId);
    }

    /** What a destroyed container left on the host; nothing if the provider's suite does not look. */
    List<String> leftoversOf(String containerId) {
        return hostLeftovers(containerId).orElse(List.of());
    }

    // ---- skips ----

    /** Skips the test unless the runtime declares every capability. */
    void requires(Capability... capabilities) {
        for (Capability c : capabilities) {
            Assumptions.assumeTrue(runtime().capabilities().contains(c),
                    () -> "provider " + providerName() + " does not declare capability " + c);
        }
    }

    /** Skips the test unless the runtime declares every feature. */
    void requiresFeatures(RuntimeFeature... features) {
        for (RuntimeFeature f : features) {
            Assumptions.assumeTrue(runtime().features().contains(f), () -> "provider " + providerName() + " does not declare feature " + f);
        }
    }

    /** Skips the test unless the guest is of the given kind. */
    void requiresGuest(GuestOs guest) {
        Assumptions.assumeTrue(fixture().guestOs() == guest, () -> "test needs a " + guest + " guest; this one is " + fixture().guestOs());
    }

    /** Skips an isolation test when {@link ContainerConformanceSuite#isolationUnverifiable()} says why it cannot be checked. */
    void requiresIsolation() {
        Optional<String> why = suite.isolationUnverifiable();
        Assumptions.assumeTrue(why.isEmpty(), () -> "isolation cannot be verified for " + providerName() + ": " + why.orElse(""));
    }

    // ---- containers and scratch ----

    /** A fresh container id. */
    String newId() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return "tck-" + HexFormat.of().formatHex(b);
    }

    /**
     * Creates a container that is destroyed after the test if the test did not. A failure for lack of privileges
     * skips the test, or fails it where {@value Privileges#REQUIRE_PRIVILEGED_ENV}=1.
     */
    Container create(ContainerSpec spec) {
        try {
            Container c = runtime().create(spec);
            created.add(c);
            return c;
        } catch (ContainerException e) {
            if (e.kind() == ErrorKind.PERMISSION_DENIED) {
                String why = "provider " + providerName() + " cannot create containers here for lack of privileges: " + e.getMessage();
                Privileges.skipOrFail(privilegedRequired(), why, e);
            }
            throw e;
        }
    }

    /** Whether {@value Privileges#REQUIRE_PRIVILEGED_ENV}=1 turns a skip for lack of privileges into a failure. */
    boolean privilegedRequired() {
        return Privileges.privilegedRequired(suite.environment());
    }

    /** A container created from the suite's spec builder with a new id. */
    Container createDefault() {
        return create(specBuilder(newId()).build());
    }

    /** One container shared by tests that only read or write private scratch files; made on first use. */
    synchronized Container shared() {
        if (shared == null || !shared.isRunning()) {
            shared = createDefault();
        }
        return shared;
    }

    /** Runs a process to its end and captures both streams, failing the test after {@link #PROCESS_TIMEOUT}. */
    ExecResult exec(Container c, ProcessSpec.Builder process) {
        return c.exec(process.build(), PROCESS_TIMEOUT);
    }

    /** A fresh path in the guest's scratch directory. */
    String scratchPath(String prefix) {
        return fixture().path(fixture().scratchDirectory(), prefix + "-" + newId());
    }

    /** A temporary host directory removed after the test. */
    Path hostTempDir() throws IOException {
        Path dir = Files.createTempDirectory("containerv-tck-");
        hostTemp.add(dir);
        return dir;
    }

    /** An address plan in a /24 of 10.213.x.0 that no other test of the run is likely to use at the same time. */
    NetworkSpec testNetwork() {
        int subnet = 100 + RANDOM.nextInt(150);
        return NetworkSpec.builder().containerAddress("10.213." + subnet + ".2/24").hostAddress("10.213." + subnet + ".1")
                .gateway("10.213." + subnet + ".1").dns("10.213." + subnet + ".1").build();
    }

    /** Destroys what the test made but the shared container, checks each for debris, removes the host directories. */
    void destroyWhatTheTestLeft() {
        List<Throwable> failures = new ArrayList<>();
        for (Container c : created) {
            if (c == shared) {
                continue;
            }
            try {
                c.destroy();
                // Every test checks for debris, not only the one about it: a leak often shows on one path only.
                List<String> left = leftoversOf(c.id());
                if (!left.isEmpty()) {
                    failures.add(new AssertionError("container " + c.id() + " left on the host after destroy: " + left));
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
            created.remove(c);
        }
        for (Path p : hostTemp) {
            TestRootfs.deleteTree(p);
            hostTemp.remove(p);
        }
        if (!failures.isEmpty()) {
            AssertionErrorWithCauses.throwAll("destroying the test's containers failed", failures);
        }
    }

    /** Destroys the shared container, if one was made, and checks it for debris. */
    synchronized void destroyShared() {
        if (shared != null) {
            Container c = shared;
            shared = null;
            created.remove(c);
            c.destroy();
            List<String> left = leftoversOf(c.id());
            if (!left.isEmpty()) {
                throw new AssertionError("the shared container " + c.id() + " left on the host after destroy: " + left);
            }
        }
    }

    // ---- expected failures and streams ----

    /**
     * What the action threw, like {@code catchThrowable}, except that a skip or a failure raised by
     * {@link #create} (no privileges here, or {@value Privileges#REQUIRE_PRIVILEGED_ENV}=1) is passed on: it
     * says nothing about the behaviour under test, and caught it would fail the test with a confusing message.
     */
    static Throwable thrownBy(ThrowingCallable action) {
        Throwable t = catchThrowable(action);
        if (t instanceof TestAbortedException aborted) {
            throw aborted;
        }
        if (t instanceof AssertionError failed) {
            throw failed;
        }
        return t;
    }

    /** Reads the stream to its end on a daemon thread, then closes it. */
    static CompletableFuture<byte[]> readAllAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Executors.newSingleThreadExecutor(daemon()));
    }

    /** Counts the bytes of the stream to its end on a daemon thread, keeping none, then closes it. */
    static CompletableFuture<Long> countAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                byte[] buf = new byte[65536];
                long n = 0;
                for (int r; (r = in.read(buf)) > 0; ) {
                    n += r;
                }
                return n;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Executors.newSingleThreadExecutor(daemon()));
    }

    private static ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "containerv-tck-stream");
            t.setDaemon(true);
            return t;
        };
    }

    /** A {@code System.in} with known content that records whether it was closed. */
    static final class StdinProbe extends java.io.ByteArrayInputStream {
        private final String text;
        private volatile boolean closed;

        StdinProbe(String text) {
            super(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            this.text = text;
        }

        String text() {
            return text;
        }

        boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
