package dev.containerv.testkit;

import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.RuntimeFeature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The containerv conformance suite (TCK). A provider's test class extends it and supplies its runtime, a
 * root file system and a {@link GuestFixture}:
 *
 * <pre>{@code
 * class MyProviderConformanceTest extends ContainerConformanceSuite {
 *     protected ContainerRuntime runtime() { return ContainerRuntimes.load("my-provider"); }
 *     protected GuestFixture fixture()      { return new PosixShellFixture(); }
 *     protected Path rootfs()               { return TestRootfs.shared(); }
 * }
 * }</pre>
 *
 * <p>The rules live in one interface per area ({@link LifecycleRules}, {@link ProcessRules}, {@link FileRules} and
 * {@link CopyRules},
 * {@link IsolationRules}, {@link SecurityRules}, {@link ResourceRules}, {@link NetworkRules}, {@link ErrorRules},
 * {@link RootLayerRules}, {@link ReadOnlyRootRules}) as JUnit default test
 * methods; this class implements them all and holds what a provider supplies and may override. Rules are named
 * {@code required_<area>_<what>}, or {@code optional_<area>_<what>} when they first require a capability or
 * feature ({@link #requires}, {@link #requiresFeatures}) that a provider may legitimately lack: a provider that
 * does not declare it in {@link ContainerRuntime#capabilities()} or {@link ContainerRuntime#features()} gets the
 * test skipped with the reason. A test that cannot create a container for lack of privileges is skipped, or fails
 * where {@value Privileges#REQUIRE_PRIVILEGED_ENV}=1. Each test runs in a thread of its own and fails after
 * {@link #testTimeout()}; every container a test made is destroyed after it, pass or fail, and checked with
 * {@link #hostLeftovers(String)}. After the run, {@link ConformanceReport} writes
 * {@code target/conformance-<provider>.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ConformanceReport.class)
@ExtendWith(ConformanceTimeout.class)
public abstract class ContainerConformanceSuite
        implements LifecycleRules, ProcessRules, FileRules, CopyRules, IsolationRules, SecurityRules, ResourceRules, NetworkRules, ErrorRules,
        RootLayerRules, ReadOnlyRootRules {
    /**
     * Environment variable with the per-test timeout in seconds (default {@value #DEFAULT_TIMEOUT_SECONDS}); see
     * {@link #testTimeout()}.
     */
    public static final String TIMEOUT_ENV = "CONTAINERV_TCK_TIMEOUT";
    /** The per-test timeout, in seconds, when {@value #TIMEOUT_ENV} is not set. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 120;

    private final ConformanceSupport support = new ConformanceSupport(this);

    /** The machinery the rules run on; not a hook. */
    @Override
    public final ConformanceSupport tck() {
        return support;
    }

    // ---- what a provider supplies ----

    /** The runtime under test. Called often: return the same instance. */
    protected abstract ContainerRuntime runtime();

    /** How to say things on the provider's guest. */
    protected abstract GuestFixture fixture();

    /** The root file system the suite's containers use (for example {@link TestRootfs#shared()}). */
    protected abstract Path rootfs();

    // ---- hooks a provider may override ----

    /**
     * The spec every container of the suite starts from: the id, {@link #rootfs()} and the capabilities of
     * {@link #defaultCapabilities()}. Override to add platform options with {@code extension(...)}.
     */
    protected ContainerSpec.Builder specBuilder(String id) {
        return ContainerSpec.builder().id(id).rootfs(rootfs()).capabilities(defaultCapabilities());
    }

    /** The capabilities of the suite's containers: every one the runtime declares but USERS (which needs mappings). */
    protected Set<Capability> defaultCapabilities() {
        EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
        caps.addAll(runtime().capabilities());
        caps.remove(Capability.USERS);
        return caps;
    }

    /**
     * The uid mappings the id-mapping rules give their containers; each must map container id 0.
     *
     * @implSpec {@link IsolationRules#ID_MAPPING_RULE_MAP}: container 0..65535 to host 100000..165535. A provider
     *            that can map only some host ids (a rootless one: the user's own id and its subordinate ranges)
     *            returns mappings of those.
     */
    protected List<dev.containerv.api.IdMapping> idMappingRuleUids() {
        return List.of(IsolationRules.ID_MAPPING_RULE_MAP);
    }

    /** The gid mappings of the id-mapping rules, as {@link #idMappingRuleUids()}. */
    protected List<dev.containerv.api.IdMapping> idMappingRuleGids() {
        return List.of(IsolationRules.ID_MAPPING_RULE_MAP);
    }

    /**
     * Why isolation cannot be verified for this provider (for example "simulated HCS"), or empty if it can.
     * When present, every isolation test is skipped with this reason.
     */
    protected Optional<String> isolationUnverifiable() {
        return Optional.empty();
    }

    /**
     * What is left on the host of a destroyed container (mounts, directories, processes, cgroups): an empty list
     * when nothing, or {@link Optional#empty()} when this suite does not look. The suite calls it after every
     * container it destroys, and a non-empty list fails the test.
     *
     * @implSpec Empty: the suite does not look, and the test about debris is skipped saying so. Providers answer
     *            with what their containers leave when cleanup fails.
     */
    protected Optional<List<String>> hostLeftovers(String containerId) {
        return Optional.empty();
    }

    /** The name used for the parity report; the runtime's name by default. */
    protected String providerName() {
        return runtime().name();
    }

    /**
     * How long one test may take before it fails as hung. The test runs in a thread of its own, so a provider
     * call that never returns still fails it in time.
     *
     * @implSpec {@value #TIMEOUT_ENV} from {@link #environment()} in seconds, else {@value #DEFAULT_TIMEOUT_SECONDS} s.
     * @throws IllegalArgumentException if the variable is set to something other than a positive whole number
     */
    protected Duration testTimeout() {
        String value = environment().apply(TIMEOUT_ENV);
        if (value == null || value.isBlank()) {
            return Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted form
        }
        throw new IllegalArgumentException(TIMEOUT_ENV + ": invalid value '" + value + "'; accepted: a positive number of seconds");
    }

    /** The environment the suite reads {@value Privileges#REQUIRE_PRIVILEGED_ENV} from; override in meta-tests. */
    protected Function<String, String> environment() {
        return System::getenv;
    }

    // ---- helpers for a provider's own tests (the rules use the same ones through tck()) ----

    /** Skips the test unless the runtime declares every capability. */
    protected final void requires(Capability... capabilities) {
        support.requires(capabilities);
    }

    /** Skips the test unless the runtime declares every feature. */
    protected final void requiresFeatures(RuntimeFeature... features) {
        support.requiresFeatures(features);
    }

    /** Skips the test unless the guest is of the given kind. */
    protected final void requiresGuest(GuestOs guest) {
        support.requiresGuest(guest);
    }

    /** Skips an isolation test when {@link #isolationUnverifiable()} says why it cannot be checked. */
    protected final void requiresIsolation() {
        support.requiresIsolation();
    }

    /** A fresh container id for this suite. */
    protected final String newId() {
        return support.newId();
    }

    /**
     * Creates a container that the suite destroys after the test if the test did not. A failure for lack of
     * privileges skips the test, or fails it where {@value Privileges#REQUIRE_PRIVILEGED_ENV}=1.
     */
    protected final Container create(ContainerSpec spec) {
        return support.create(spec);
    }

    /** A container created from {@link #specBuilder(String)} with a new id. */
    protected final Container createDefault() {
        return support.createDefault();
    }

    /** One container shared by tests that only read or write private scratch files; made on first use. */
    protected final Container shared() {
        return support.shared();
    }

    /** Runs a process to its end and captures both streams, failing the test after a minute. */
    protected final ExecResult exec(Container c, ProcessSpec.Builder process) {
        return support.exec(c, process);
    }

    /** A fresh path in the guest's scratch directory. */
    protected final String scratchPath(String prefix) {
        return support.scratchPath(prefix);
    }

    /** A temporary host directory removed after the test. */
    protected final Path hostTempDir() throws IOException {
        return support.hostTempDir();
    }

    @AfterEach
    final void destroyWhatTheTestLeft() {
        support.destroyWhatTheTestLeft();
    }

    @AfterAll
    final void destroyShared() {
        support.destroyShared();
    }
}
