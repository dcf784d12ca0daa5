package dev.containerv.testkit;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.api.IdMapping;
import dev.containerv.api.Layer;
import dev.containerv.api.NetworkSpec;
import dev.containerv.api.PolicyProfile;
import dev.containerv.api.ProcessInfo;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.ResourceLimits;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.api.SecurityPolicy;
import dev.containerv.api.Signal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.TestAbortedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

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
 * <p>Tests are named {@code required_<area>_<what>}. Each names what it needs ({@link #requires},
 * {@link #requiresFeatures}); a provider that does not declare it in {@link ContainerRuntime#capabilities()}
 * or {@link ContainerRuntime#features()} gets the test skipped with the reason. A test that cannot create a
 * container for lack of privileges is skipped, or fails where {@value Privileges#REQUIRE_PRIVILEGED_ENV}=1.
 * Each test runs in a thread of its own and fails after {@link #testTimeout()}; every container a test made
 * is destroyed after it, pass or fail, and checked with {@link #hostLeftovers(String)}.
 * After the run, {@link ConformanceReport} writes {@code target/conformance-<provider>.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ConformanceReport.class)
@ExtendWith(ConformanceTimeout.class)
public abstract class ContainerConformanceSuite {
    /**
     * Environment variable with the per-test timeout in seconds (default {@value #DEFAULT_TIMEOUT_SECONDS}); see
     * {@link #testTimeout()}.
     */
    public static final String TIMEOUT_ENV = "CONTAINERV_TCK_TIMEOUT";
    /** The per-test timeout, in seconds, when {@value #TIMEOUT_ENV} is not set. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 120;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(60);

    private final List<Container> created = new CopyOnWriteArrayList<>();
    private final List<Path> hostTemp = new CopyOnWriteArrayList<>();
    private Container shared;

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
     * Why isolation cannot be verified for this provider (for example "simulated HCS"), or empty if it can.
     * When present, every isolation test is skipped with this reason.
     */
    protected Optional<String> isolationUnverifiable() {
        return Optional.empty();
    }

    /**
     * What is left on the host of a destroyed container (mounts, directories, processes, cgroups); empty when
     * nothing. The suite calls it after every container it destroys, and a non-empty answer fails the test.
     *
     * @implSpec The default finds nothing, and a suite that does not override it gets the test about debris
     *            skipped with that reason; providers override it with what their containers leave when cleanup fails.
     */
    protected List<String> hostLeftovers(String containerId) {
        return List.of();
    }

    private boolean overridesHostLeftovers() {
        for (Class<?> k = getClass(); k != ContainerConformanceSuite.class; k = k.getSuperclass()) {
            try {
                k.getDeclaredMethod("hostLeftovers", String.class);
                return true;
            } catch (NoSuchMethodException e) {
                // not in this class: look further up
            }
        }
        return false;
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

    // ---- helpers for tests ----

    /** Skips the test unless the runtime declares every capability. */
    protected final void requires(Capability... capabilities) {
        for (Capability c : capabilities) {
            Assumptions.assumeTrue(runtime().capabilities().contains(c),
                    () -> "provider " + providerName() + " does not declare capability " + c);
        }
    }

    /** Skips the test unless the runtime declares every feature. */
    protected final void requiresFeatures(RuntimeFeature... features) {
        for (RuntimeFeature f : features) {
            Assumptions.assumeTrue(runtime().features().contains(f), () -> "provider " + providerName() + " does not declare feature " + f);
        }
    }

    /** Skips the test unless the guest is of the given kind. */
    protected final void requiresGuest(GuestOs guest) {
        Assumptions.assumeTrue(fixture().guestOs() == guest, () -> "test needs a " + guest + " guest; this one is " + fixture().guestOs());
    }

    /** Skips an isolation test when {@link #isolationUnverifiable()} says why it cannot be checked. */
    protected final void requiresIsolation() {
        Optional<String> why = isolationUnverifiable();
        Assumptions.assumeTrue(why.isEmpty(), () -> "isolation cannot be verified for " + providerName() + ": " + why.orElse(""));
    }

    /** A fresh container id for this suite. */
    protected final String newId() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return "tck-" + HexFormat.of().formatHex(b);
    }

    /**
     * Creates a container that the suite destroys after the test if the test did not. A failure for lack of
     * privileges skips the test, or fails it where {@value Privileges#REQUIRE_PRIVILEGED_ENV}=1.
     */
    protected final Container create(ContainerSpec spec) {
        try {
            Container c = runtime().create(spec);
            created.add(c);
            return c;
        } catch (ContainerException e) {
            if (e.kind() == ErrorKind.PERMISSION_DENIED) {
                String why = "provider " + providerName() + " cannot create containers here for lack of privileges: " + e.getMessage();
                if (Privileges.privilegedRequired(environment())) {
                    Assertions.fail(Privileges.REQUIRE_PRIVILEGED_ENV + "=1, so privileged tests must run: " + why, e);
                }
                Assumptions.abort(why);
            }
            throw e;
        }
    }

    /** A container created from {@link #specBuilder(String)} with a new id. */
    protected final Container createDefault() {
        return create(specBuilder(newId()).build());
    }

    /** One container shared by tests that only read or write private scratch files; made on first use. */
    protected final synchronized Container shared() {
        if (shared == null || !shared.isRunning()) {
            shared = createDefault();
        }
        return shared;
    }

    /** Runs a process to its end and captures both streams, failing the test after a minute. */
    protected final ExecResult exec(Container c, ProcessSpec.Builder process) {
        return c.exec(process.build(), PROCESS_TIMEOUT);
    }

    /** A fresh path in the guest's scratch directory. */
    protected final String scratchPath(String prefix) {
        return fixture().path(fixture().scratchDirectory(), prefix + "-" + newId());
    }

    /** A temporary host directory removed after the test. */
    protected final Path hostTempDir() throws IOException {
        Path dir = Files.createTempDirectory("containerv-tck-");
        hostTemp.add(dir);
        return dir;
    }

    @AfterEach
    final void destroyWhatTheTestLeft() {
        List<Throwable> failures = new ArrayList<>();
        for (Container c : created) {
            if (c == shared) {
                continue;
            }
            try {
                c.destroy();
                // Every test checks for debris, not only the one about it: a leak often shows on one path only.
                List<String> left = hostLeftovers(c.id());
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

    @AfterAll
    final void destroyShared() {
        if (shared != null) {
            Container c = shared;
            shared = null;
            created.remove(c);
            c.destroy();
            List<String> left = hostLeftovers(c.id());
            if (!left.isEmpty()) {
                throw new AssertionError("the shared container " + c.id() + " left on the host after destroy: " + left);
            }
        }
    }

    // =====================================================================================================
    // lifecycle
    // =====================================================================================================

    @Test
    void required_lifecycle_createGivesTheSpecsIdAndSpec() {
        String id = newId();
        Container c = create(specBuilder(id).build());
        assertThat(c.id()).isEqualTo(id);
        assertThat(c.spec().id()).isEqualTo(id);
        assertThat(c.isRunning()).isTrue();
    }

    @Test
    void required_lifecycle_anIdIsGeneratedWhenNoneIsGiven() {
        ContainerSpec spec = specWithoutId();
        Container c = create(spec);
        assertThat(c.id()).isEqualTo(spec.id()).isNotBlank();
        assertThat(exec(c, fixture().exitWith(0)).exitCode()).isZero();
    }

    private ContainerSpec specWithoutId() {
        ContainerSpec template = specBuilder(newId()).build();
        ContainerSpec.Builder b = ContainerSpec.builder().rootfs(template.rootfs()).capabilities(template.capabilities())
                .layers(template.layers()).persistent(template.persistent());
        template.extensions().values().forEach(b::extension);
        return b.build();
    }

    @Test
    void required_lifecycle_listShowsARunningContainerAndNotADestroyedOne() {
        Container c = createDefault();
        assertThat(runtime().list()).contains(c.id());
        c.destroy();
        assertThat(runtime().list()).doesNotContain(c.id());
    }

    @Test
    void required_lifecycle_openByIdRunsProcessesInTheSameContainer() {
        requiresFeatures(RuntimeFeature.OPEN_BY_ID, RuntimeFeature.FILE_TRANSFER);
        Container c = createDefault();
        String file = scratchPath("opened");
        assertThat(exec(c, fixture().writeFile(file, "seen from the creator")).exitCode()).isZero();
        Container opened = runtime().open(c.id());
        try {
            assertThat(opened.id()).isEqualTo(c.id());
            assertThat(exec(opened, fixture().readFile(file)).stdout()).isEqualTo("seen from the creator");
        } finally {
            detachOrLeave(opened);
        }
        assertThat(c.isRunning()).isTrue();
    }

    private static void detachOrLeave(Container opened) {
        try {
            opened.detach();
        } catch (ContainerException e) {
            if (!e.isNotSupported()) {
                throw e;
            }
        }
    }

    @Test
    void required_lifecycle_openOfAnUnknownIdIsNotFound() {
        requiresFeatures(RuntimeFeature.OPEN_BY_ID);
        String id = newId();
        assertThatThrownBy(() -> runtime().open(id))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining(id);
    }

    @Test
    void required_lifecycle_destroyTwiceIsHarmless() {
        Container c = createDefault();
        c.destroy();
        c.destroy();
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    void required_lifecycle_closeAfterDestroyIsHarmless() {
        Container c = createDefault();
        c.destroy();
        c.close();
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    void required_lifecycle_destroyWhileProcessesRunEndsThem() throws Exception {
        Container c = createDefault();
        ContainerProcess p = c.spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        assertThat(p.isAlive()).isTrue();
        long started = System.nanoTime();
        c.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the process ends with its container").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(c.isRunning()).isFalse();
    }

    @Test
    void required_lifecycle_destroyLeavesNothingOnTheHost() {
        Assumptions.assumeTrue(overridesHostLeftovers(), () -> "the suite of provider " + providerName()
                + " does not override hostLeftovers(String), so what a destroyed container leaves on the host is not looked for");
        Container c = createDefault();
        exec(c, fixture().writeFile(scratchPath("left"), "x"));
        c.destroy();
        assertThat(hostLeftovers(c.id())).as("what container %s left on the host", c.id()).isEmpty();
    }

    @Test
    void required_lifecycle_twoContainersAtOnceAreSeparate() {
        Container a = createDefault();
        Container b = createDefault();
        String file = scratchPath("mine");
        assertThat(exec(a, fixture().writeFile(file, "a")).exitCode()).isZero();
        assertThat(exec(b, fixture().pathExists(file)).exitCode()).as("b must not see a's file").isNotZero();
        assertThat(exec(a, fixture().readFile(file)).stdout()).isEqualTo("a");
    }

    @Test
    void required_lifecycle_aTakenIdIsAlreadyExists() {
        Container c = createDefault();
        assertThat(thrownBy(() -> create(specBuilder(c.id()).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS))
                .hasMessageContaining(c.id());
        assertThat(exec(c, fixture().exitWith(0)).exitCode()).as("the first container is untouched").isZero();
    }

    @Test
    void required_lifecycle_spawnAfterDestroyFailsClearly() {
        Container c = createDefault();
        c.destroy();
        assertThatThrownBy(() -> c.spawn(fixture().exitWith(0).build()))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining(c.id());
    }

    @Test
    void required_lifecycle_aMissingRootfsFailsAndLeavesNothing() throws IOException {
        String id = newId();
        Path missing = hostTempDir().resolve("no-such-rootfs");
        ContainerSpec spec = specBuilder(id).rootfs(missing).build();
        Throwable t = thrownBy(() -> create(spec));
        assertThat(t).isInstanceOf(ContainerException.class).hasMessageContaining("no-such-rootfs");
        assertThat(((ContainerException) t).kind()).isIn(ErrorKind.NOT_FOUND, ErrorKind.INVALID_SPEC);
        assertThat(runtime().list()).doesNotContain(id);
        assertThat(hostLeftovers(id)).isEmpty();
    }

    // =====================================================================================================
    // processes
    // =====================================================================================================

    @Test
    void required_processes_argumentsWithSpacesQuotesAndNonAsciiArriveIntact() {
        String[] args = {"two words", "it's \"quoted\"", "grüße, 日本, ☃", "", "back\\slash", "$HOME *"};
        ExecResult r = exec(shared(), fixture().printArguments(args));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(String.join("\n", args) + "\n");
    }

    @Test
    void required_processes_environmentIsPassed() {
        ExecResult r = exec(shared(), fixture().printEnvironment().environment(Map.of("TCK_VAR", "value with spaces", "TCK_UNICODE", "é")));
        assertThat(r.stdout().lines()).contains("TCK_VAR=value with spaces", "TCK_UNICODE=é");
    }

    @Test
    void required_processes_environmentWithoutDefaultsHasOnlyWhatIsGiven() {
        ExecResult r = exec(shared(), fixture().printEnvironment().defaultEnvironment(false).environment("ONLY", "me"));
        assertThat(r.stdout().lines()).containsExactly("ONLY=me");
    }

    @Test
    void required_processes_workingDirectoryIsHonoured() {
        String dir = fixture().scratchDirectory();
        ExecResult r = exec(shared(), fixture().printWorkingDirectory().workingDirectory(dir));
        assertThat(r.stdout().strip()).isEqualTo(dir);
    }

    @Test
    void required_processes_aMissingWorkingDirectoryFailsClearly() {
        String dir = scratchPath("no-such-dir");
        assertThatThrownBy(() -> shared().exec(fixture().printWorkingDirectory().workingDirectory(dir).build()))
                .isInstanceOf(ContainerException.class).hasMessageContaining(dir);
    }

    @Test
    void required_processes_userByNumberAndByName() {
        requiresFeatures(RuntimeFeature.RUN_AS_USER);
        GuestFixture.KnownUser user = fixture().knownUser();
        assertThat(exec(shared(), fixture().printUserId().user(Long.toString(user.id()))).stdout().strip()).isEqualTo(Long.toString(user.id()));
        assertThat(exec(shared(), fixture().printUserId().user(user.name())).stdout().strip()).isEqualTo(Long.toString(user.id()));
    }

    @Test
    void required_processes_anUnknownUserIsRefused() {
        requiresFeatures(RuntimeFeature.RUN_AS_USER);
        assertThatThrownBy(() -> shared().exec(fixture().printUserId().user("no-such-user").build()))
                .isInstanceOf(ContainerException.class).hasMessageContaining("no-such-user");
    }

    @Test
    void required_processes_stdinReachesTheProgram() throws Exception {
        ContainerProcess p = shared().spawn(fixture().echoStdin().build());
        CompletableFuture<byte[]> out = readAllAsync(p.getInputStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write("hello, container\nline two".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("hello, container\nline two");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void required_processes_largeOutputOnBothStreamsAtOnceIsComplete() throws Exception {
        long size = 8L << 20;
        ContainerProcess p = shared().spawn(fixture().floodBothStreams(size).build());
        CompletableFuture<Long> out = countAsync(p.getInputStream());
        CompletableFuture<Long> err = countAsync(p.getErrorStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.get(30, TimeUnit.SECONDS)).isEqualTo(size);
        assertThat(err.get(30, TimeUnit.SECONDS)).isEqualTo(size);
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void required_processes_stdoutAndStderrAreSeparate() {
        ExecResult err = exec(shared(), fixture().printToStderr("only on stderr"));
        assertThat(err.stdout()).isEmpty();
        assertThat(err.stderr()).isEqualTo("only on stderr");
        ExecResult out = exec(shared(), fixture().print("only on stdout"));
        assertThat(out.stdout()).isEqualTo("only on stdout");
        assertThat(out.stderr()).isEmpty();
    }

    @Test
    void required_processes_exitCodesComeBackExactly() {
        for (int code : new int[] {0, 1, 42, 255}) {
            assertThat(exec(shared(), fixture().exitWith(code)).exitCode()).as("exit %d", code).isEqualTo(code);
        }
    }

    @Test
    void required_processes_killGivesExitValue128PlusTheSignal() throws Exception {
        ContainerProcess p = shared().spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        p.kill(Signal.KILL);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 9);
    }

    @Test
    void required_processes_termAndOtherSignalsAreDelivered() throws Exception {
        requiresFeatures(RuntimeFeature.POSIX_SIGNALS);
        ContainerProcess p = shared().spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        p.kill(Signal.TERM);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 15);
        ContainerProcess q = shared().spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        q.kill(Signal.USR1);
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(128 + 10);
    }

    @Test
    void required_processes_destroyAndDestroyForciblyEndTheProcess() throws Exception {
        ContainerProcess p = shared().spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        ContainerProcess q = shared().spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        q.destroyForcibly();
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.isAlive()).isFalse();
    }

    @Test
    void required_processes_killingAnExitedProcessIsHarmless() throws Exception {
        ContainerProcess p = shared().spawn(fixture().exitWith(3).build());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        p.kill(Signal.KILL);
        p.destroy();
        assertThat(p.exitValue()).isEqualTo(3);
    }

    @Test
    void required_processes_waitWithTimeoutReturnsFalseWhileRunning() throws Exception {
        ContainerProcess p = shared().spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        try {
            long t0 = System.nanoTime();
            assertThat(p.waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            assertThat(p.isAlive()).isTrue();
            assertThatThrownBy(p::exitValue).isInstanceOf(IllegalThreadStateException.class);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void required_processes_onExitCompletesWithTheProcess() throws Exception {
        ContainerProcess p = shared().spawn(fixture().exitWith(7).build());
        Process done = p.onExit().get(30, TimeUnit.SECONDS);
        assertThat(done.exitValue()).isEqualTo(7);
    }

    @Test
    void required_processes_hundredConcurrentSpawnsAllSucceed() throws Exception {
        Container c = shared(); // here, not in the pool: a skip for lack of privileges must reach JUnit
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<ExecResult>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String text = "n" + i;
                results.add(pool.submit(() -> c.exec(fixture().print(text).build(), PROCESS_TIMEOUT)));
            }
            for (int i = 0; i < 100; i++) {
                ExecResult r = results.get(i).get(60, TimeUnit.SECONDS);
                assertThat(r.exitCode()).isZero();
                assertThat(r.stdout()).isEqualTo("n" + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void required_processes_aMissingProgramIsNotFound() {
        String program = fixture().path(fixture().scratchDirectory(), "no-such-program-" + newId());
        assertThatThrownBy(() -> shared().spawn(ProcessSpec.of(program)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining(program);
    }

    @Test
    void required_processes_execTimeoutKillsAndThrowsTimeout() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> shared().exec(fixture().sleep(Duration.ofSeconds(60)).build(), Duration.ofMillis(500)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void required_processes_redirectErrorStreamMergesStderrIntoStdout() throws Exception {
        ContainerProcess p = shared().spawn(fixture().printToStderr("merged").redirectErrorStream(true).build());
        assertThat(new String(readAllAsync(p.getInputStream()).get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("merged");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void required_processes_redirectToAHostFileIsServed() throws Exception {
        Path out = hostTempDir().resolve("out.txt");
        ContainerProcess p = shared().spawn(fixture().print("to a file").redirectOutput(Redirect.to(out.toFile())).build());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"to a file".equals(readOrEmpty(out)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(readOrEmpty(out)).isEqualTo("to a file");
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void required_processes_destroyOfAnExitedProcessIsHarmless() throws Exception {
        ContainerProcess p = shared().spawn(fixture().exitWith(3).build());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        org.assertj.core.api.Assertions.assertThatCode(() -> {
            p.destroy();
            p.destroyForcibly();
            p.destroy();
        }).as("destroy of an exited process").doesNotThrowAnyException();
        assertThat(p.isAlive()).isFalse();
        assertThat(p.exitValue()).isEqualTo(3);
        assertThat(p.onExit().get(30, TimeUnit.SECONDS).exitValue()).isEqualTo(3);

        // Gone with its container: Process.destroy() has no way to report a failure, so it must not throw one.
        Container c = createDefault();
        ContainerProcess q = c.spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        c.destroy();
        org.assertj.core.api.Assertions.assertThatCode(() -> {
            q.destroy();
            q.destroyForcibly();
        }).as("destroy of a process whose container is destroyed").doesNotThrowAnyException();
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.isAlive()).isFalse();
    }

    @Test
    void required_processes_pidsAreReported() throws Exception {
        ContainerProcess p = shared().spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        try {
            assertThat(p.containerPid()).isPositive();
            assertThat(p.pid()).isPositive();
            assertThat(p.containerId()).isEqualTo(shared().id());
        } finally {
            p.destroyForcibly();
        }
    }

    // =====================================================================================================
    // files
    // =====================================================================================================

    @Test
    void required_files_aFileUploadedIsSeenByProcesses() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path src = hostTempDir().resolve("hello.txt");
        Files.writeString(src, "uploaded text\n");
        String target = scratchPath("hello");
        shared().upload(src, target);
        assertThat(exec(shared(), fixture().readFile(target)).stdout()).isEqualTo("uploaded text\n");
    }

    @Test
    void required_files_aFileWrittenInTheContainerDownloads() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String source = scratchPath("made-inside");
        assertThat(exec(shared(), fixture().writeFile(source, "made inside\n")).exitCode()).isZero();
        Path dst = hostTempDir().resolve("down.txt");
        shared().download(source, dst);
        assertThat(Files.readString(dst)).isEqualTo("made inside\n");
    }

    @Test
    void required_files_treesRoundTripWithEmptyFilesAndDirectories() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path tree = hostTempDir().resolve("tree");
        Files.createDirectories(tree.resolve("a/b/c"));
        Files.createDirectories(tree.resolve("empty-dir"));
        Files.writeString(tree.resolve("top.txt"), "top");
        Files.writeString(tree.resolve("a/b/c/deep.txt"), "deep");
        Files.write(tree.resolve("a/empty.bin"), new byte[0]);
        for (int i = 0; i < 50; i++) {
            Files.writeString(tree.resolve("a/f" + i), "file " + i);
        }
        String target = scratchPath("tree");
        shared().upload(tree, target);
        assertThat(exec(shared(), fixture().readFile(fixture().path(fixture().path(fixture().path(fixture().path(target, "a"), "b"), "c"), "deep.txt"))).stdout())
                .isEqualTo("deep");
        Path back = hostTempDir().resolve("back");
        shared().download(target, back);
        assertSameTree(tree, back);
    }

    @Test
    void required_files_aLargeBinaryRoundTripsByteForByte() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        byte[] data = new byte[12 << 20];
        RANDOM.nextBytes(data);
        Path src = hostTempDir().resolve("blob.bin");
        Files.write(src, data);
        String target = scratchPath("blob");
        shared().upload(src, target);
        Path back = hostTempDir().resolve("blob.back");
        shared().download(target, back);
        assertThat(Files.readAllBytes(back)).isEqualTo(data);
    }

    @Test
    void required_files_modesAreKept() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        requiresGuest(GuestOs.LINUX);
        Path dir = hostTempDir();
        Path script = dir.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "s");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        String scriptTarget = scratchPath("run");
        String secretTarget = scratchPath("secret");
        shared().upload(script, scriptTarget);
        shared().upload(secret, secretTarget);
        assertThat(exec(shared(), fixture().printMode(scriptTarget)).stdout().strip()).isEqualTo("750");
        assertThat(exec(shared(), fixture().printMode(secretTarget)).stdout().strip()).isEqualTo("600");
        assertThat(exec(shared(), ProcessSpec.builder(scriptTarget)).stdout()).isEqualTo("ran\n");
        Path back = dir.resolve("run.back");
        shared().download(scriptTarget, back);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(back))).isEqualTo("rwxr-x---");
    }

    @Test
    void required_files_uploadOfAMissingSourceIsNotFound() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path missing = hostTempDir().resolve("missing.txt");
        assertThatThrownBy(() -> shared().upload(missing, scratchPath("x")))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("missing.txt");
    }

    @Test
    void required_files_downloadOfAMissingSourceIsNotFound() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        String missing = scratchPath("missing");
        Path dst = hostTempDir().resolve("never");
        assertThatThrownBy(() -> shared().download(missing, dst))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining(missing);
        assertThat(dst).doesNotExist();
    }

    @Test
    void required_files_uploadIntoAMissingContainerDirectoryFailsClearly() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path src = hostTempDir().resolve("f.txt");
        Files.writeString(src, "f");
        String target = fixture().path(scratchPath("no-such-dir"), "f.txt");
        assertThatThrownBy(() -> shared().upload(src, target)).isInstanceOf(ContainerException.class).hasMessageContaining("no-such-dir");
    }

    @Test
    void required_files_aRelativeContainerPathIsInvalidSpec() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        Path src = hostTempDir().resolve("f.txt");
        Files.writeString(src, "f");
        assertThatThrownBy(() -> shared().upload(src, "relative/path"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("relative/path");
    }

    @Test
    void required_files_uploadOntoAContainerSymlinkToAHostPathLeavesTheHostFileAlone() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        requiresGuest(GuestOs.LINUX);
        Path hostFile = hostTempDir().resolve("host-secret.txt");
        Files.writeString(hostFile, "host original");
        String link = scratchPath("escape");
        assertThat(exec(shared(), fixture().createSymlink(hostFile.toString(), link)).exitCode()).isZero();
        Path payload = hostTempDir().resolve("payload.txt");
        Files.writeString(payload, "attacker");
        try {
            shared().upload(payload, link);
        } catch (ContainerException refused) {
            // Refusing is as good as replacing the link: the host file must stay untouched either way.
        }
        assertThat(Files.readString(hostFile)).isEqualTo("host original");
    }

    @Test
    void required_files_uploadIntoADirectoryThatIsASymlinkOutsideStaysInside() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        requiresGuest(GuestOs.LINUX);
        Path hostDir = hostTempDir();
        String link = scratchPath("dir-escape");
        assertThat(exec(shared(), fixture().createSymlink(hostDir.toString(), link)).exitCode()).isZero();
        Path payload = hostTempDir().resolve("payload.txt");
        Files.writeString(payload, "attacker");
        try {
            shared().upload(payload, link + "/planted.txt");
        } catch (ContainerException refused) {
            // fine: nothing may appear on the host
        }
        assertThat(hostDir.resolve("planted.txt")).doesNotExist();
    }

    @Test
    void required_files_downloadOfASymlinkToAHostPathDoesNotLeakTheHostFile() throws IOException {
        requiresFeatures(RuntimeFeature.FILE_TRANSFER);
        requiresGuest(GuestOs.LINUX);
        Path hostFile = hostTempDir().resolve("host-only.txt");
        Files.writeString(hostFile, "host secret");
        String link = scratchPath("leak");
        assertThat(exec(shared(), fixture().createSymlink(hostFile.toString(), link)).exitCode()).isZero();
        Path dst = hostTempDir().resolve("leak.out");
        try {
            shared().download(link, dst);
        } catch (ContainerException refused) {
            return;
        }
        if (Files.isSymbolicLink(dst)) {
            return; // copied as a link, not followed
        }
        assertThat(Files.exists(dst) ? Files.readString(dst) : "").doesNotContain("host secret");
    }

    // =====================================================================================================
    // isolation
    // =====================================================================================================

    @Test
    void required_isolation_hostnameIsTheSpecsAndDefaultsToTheId() {
        requiresIsolation();
        Container named = create(specBuilder(newId()).hostname("tck-host").build());
        assertThat(exec(named, fixture().printHostname()).stdout().strip()).isEqualTo("tck-host");
        assertThat(exec(shared(), fixture().printHostname()).stdout().strip()).isEqualTo(shared().spec().hostname());
    }

    @Test
    void required_isolation_onlyTheContainersProcessesAreVisible() throws Exception {
        requiresIsolation();
        requires(Capability.PROCESS_CONTROL);
        Container c = createDefault();
        ContainerProcess sleeper = c.spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        List<String> pids = exec(c, fixture().listProcessIds()).stdout().lines().toList();
        assertThat(pids).contains("1", Long.toString(sleeper.containerPid()));
        assertThat(pids.size()).as("a fresh container runs a handful of processes, not the host's: %s", pids).isLessThan(10);
        assertThat(pids).doesNotContain(Long.toString(ProcessHandle.current().pid()));
        sleeper.destroyForcibly();
    }

    @Test
    void required_isolation_rootIsTheRootfsAndHostFilesAreNotVisible() throws IOException {
        requiresIsolation();
        requires(Capability.FILESYSTEM);
        Path hostOnly = hostTempDir().resolve("host-only-marker");
        Files.writeString(hostOnly, "host");
        Assumptions.assumeTrue(Files.exists(rootfs().resolve(TestRootfs.MARKER.substring(1))),
                "the rootfs is not a TestRootfs, so there is no marker to look for");
        assertThat(exec(shared(), fixture().readFile(TestRootfs.MARKER)).stdout()).isEqualTo(TestRootfs.MARKER_CONTENT);
        assertThat(exec(shared(), fixture().pathExists(hostOnly.toString())).exitCode()).isNotZero();
        assertThat(exec(shared(), fixture().pathExists(hostOnly.getParent().toString())).exitCode()).isNotZero();
    }

    @Test
    void required_isolation_writesNeverReachTheBaseRootfs() {
        requiresIsolation();
        requires(Capability.FILESYSTEM);
        String name = "written-" + newId();
        assertThat(exec(shared(), fixture().writeFile("/etc/" + name, "inside")).exitCode()).isZero();
        assertThat(exec(shared(), fixture().readFile("/etc/" + name)).stdout()).isEqualTo("inside");
        assertThat(rootfs().resolve("etc").resolve(name)).doesNotExist();
    }

    @Test
    void required_isolation_aReadOnlyHostDirectoryCannotBeWritten() throws IOException {
        requiresIsolation();
        requires(Capability.FILESYSTEM);
        requiresFeatures(RuntimeFeature.HOST_DIRECTORY_LAYERS);
        Path dir = hostTempDir();
        Files.writeString(dir.resolve("given.txt"), "from the host");
        String at = fixture().guestOs() == GuestOs.WINDOWS ? "C:\\src" : "/src";
        Container c = create(specBuilder(newId()).layer(Layer.hostDirectory(dir, at, Access.READ_ONLY)).build());
        assertThat(exec(c, fixture().readFile(fixture().path(at, "given.txt"))).stdout()).isEqualTo("from the host");
        assertThat(exec(c, fixture().writeFile(fixture().path(at, "new.txt"), "x")).exitCode()).isNotZero();
        assertThat(dir.resolve("new.txt")).doesNotExist();
    }

    @Test
    void required_isolation_aReadWriteHostDirectoryIsShared() throws IOException {
        requiresIsolation();
        requires(Capability.FILESYSTEM);
        requiresFeatures(RuntimeFeature.HOST_DIRECTORY_LAYERS);
        Path dir = hostTempDir();
        String at = fixture().guestOs() == GuestOs.WINDOWS ? "C:\\work" : "/work";
        Container c = create(specBuilder(newId()).layer(Layer.hostDirectory(dir, at, Access.READ_WRITE)).build());
        assertThat(exec(c, fixture().writeFile(fixture().path(at, "out.txt"), "from inside")).exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("from inside");
    }

    @Test
    void required_isolation_aTmpfsLayerIsEmptyWritableAndPrivate() {
        requiresIsolation();
        requires(Capability.FILESYSTEM);
        requiresFeatures(RuntimeFeature.TMPFS_LAYERS);
        String at = fixture().guestOs() == GuestOs.WINDOWS ? "C:\\scratch" : "/scratch";
        Container c = create(specBuilder(newId()).layer(Layer.tmpfs(at, "16M")).build());
        assertThat(exec(c, fixture().listDirectory(at)).stdout()).isEmpty();
        assertThat(exec(c, fixture().writeFile(fixture().path(at, "t"), "t")).exitCode()).isZero();
        assertThat(exec(shared(), fixture().pathExists(fixture().path(at, "t"))).exitCode()).isNotZero();
    }

    @Test
    void required_isolation_theNetworkViewHasOnlyLoopback() {
        requiresIsolation();
        requires(Capability.NETWORK);
        Container c = create(specBuilder(newId()).capabilities(with(Capability.NETWORK)).build());
        assertThat(exec(c, fixture().listNetworkInterfaces()).stdout().lines().toList()).containsExactly("lo");
    }

    @Test
    void required_isolation_ipcIsPrivate() throws IOException {
        requiresIsolation();
        requires(Capability.IPC);
        requiresGuest(GuestOs.LINUX);
        Path hostIpc = Path.of("/proc/self/ns/ipc");
        Assumptions.assumeTrue(Files.exists(hostIpc, LinkOption.NOFOLLOW_LINKS), "the host has no /proc/self/ns/ipc to compare with");
        Container c = create(specBuilder(newId()).capabilities(with(Capability.IPC)).build());
        String inside = exec(c, fixture().printNamespace("ipc")).stdout().strip();
        assertThat(inside).startsWith("ipc:[").isNotEqualTo(Files.readSymbolicLink(hostIpc).toString());
        assertThat(exec(shared(), fixture().printNamespace("ipc")).stdout().strip()).isNotEqualTo(inside);
    }

    @Test
    void required_isolation_theMountViewIsPrivate() throws IOException {
        requiresIsolation();
        requires(Capability.FILESYSTEM);
        requiresGuest(GuestOs.LINUX);
        Path hostMnt = Path.of("/proc/self/ns/mnt");
        Assumptions.assumeTrue(Files.exists(hostMnt, LinkOption.NOFOLLOW_LINKS), "the host has no /proc/self/ns/mnt to compare with");
        String inside = exec(shared(), fixture().printNamespace("mnt")).stdout().strip();
        assertThat(inside).startsWith("mnt:[").isNotEqualTo(Files.readSymbolicLink(hostMnt).toString());
        List<String> targets = exec(shared(), fixture().readFile("/proc/self/mounts")).stdout().lines()
                .map(l -> l.split(" ")).filter(f -> f.length > 1).map(f -> f[1]).toList();
        // A container sees its root and the standard file systems; a host mount point elsewhere (a leaked old
        // root, the host's own binds) means the host's mount table reached the container.
        assertThat(targets).as("mount points inside the container").contains("/", "/proc")
                .allMatch(t -> t.equals("/") || STANDARD_MOUNT_PREFIXES.stream().anyMatch(p -> t.equals(p) || t.startsWith(p + "/")),
                        "is / or under " + STANDARD_MOUNT_PREFIXES);
    }

    private static final List<String> STANDARD_MOUNT_PREFIXES = List.of("/proc", "/sys", "/dev", "/tmp", "/run", "/etc");

    private Set<Capability> with(Capability extra) {
        EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
        caps.addAll(defaultCapabilities());
        caps.add(extra);
        return caps;
    }

    // =====================================================================================================
    // resources
    // =====================================================================================================

    @Test
    void required_resources_memoryLimitIsEnforced() {
        requiresFeatures(RuntimeFeature.RESOURCE_LIMITS);
        Container c = create(specBuilder(newId()).limits(ResourceLimits.builder().memoryMax("64M").build()).build());
        assertThat(exec(c, fixture().allocateMemory(16L << 20)).exitCode()).as("16 MiB fits in 64 MiB").isZero();
        assertThat(exec(c, fixture().allocateMemory(256L << 20)).exitCode()).as("256 MiB does not fit in 64 MiB").isNotZero();
    }

    @Test
    void required_resources_pidsLimitIsEnforced() {
        requiresFeatures(RuntimeFeature.RESOURCE_LIMITS);
        Container c = create(specBuilder(newId()).limits(ResourceLimits.builder().pidsMax(16).build()).build());
        assertThat(exec(c, fixture().startProcesses(4)).exitCode()).isZero();
        assertThat(exec(c, fixture().startProcesses(64)).exitCode()).isNotZero();
    }

    @Test
    void required_resources_statsMoveAfterWork() throws Exception {
        requiresFeatures(RuntimeFeature.STATS);
        Container c = createDefault();
        ContainerStats before = c.stats();
        ContainerProcess busy = c.spawn(fixture().burnCpu(Duration.ofSeconds(2)).build());
        Thread.sleep(1200);
        ContainerStats during = c.stats();
        assertThat(during.timestamp()).isAfter(before.timestamp());
        assertThat(during.cpuTimeNanos()).as("CPU time after a second of work").isGreaterThan(before.cpuTimeNanos());
        assertThat(during.activeProcesses()).isGreaterThanOrEqualTo(1);
        assertThat(during.memoryUsageBytes()).isPositive();
        busy.destroyForcibly();
    }

    @Test
    void required_resources_processListShowsARunningProcess() throws Exception {
        requiresFeatures(RuntimeFeature.PROCESS_LIST);
        Container c = createDefault();
        ContainerProcess p = c.spawn(fixture().sleep(Duration.ofSeconds(60)).build());
        List<ProcessInfo> list = c.processes();
        assertThat(list).anySatisfy(i -> {
            assertThat(i.pid()).isEqualTo(p.containerPid());
            assertThat(i.name()).isNotBlank();
        });
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.processes().stream().anyMatch(i -> i.pid() == p.containerPid()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(c.processes()).noneMatch(i -> i.pid() == p.containerPid());
    }

    // =====================================================================================================
    // network
    // =====================================================================================================

    private NetworkSpec testNetwork() {
        int subnet = 100 + RANDOM.nextInt(150);
        return NetworkSpec.builder().containerAddress("10.213." + subnet + ".2/24").hostAddress("10.213." + subnet + ".1")
                .gateway("10.213." + subnet + ".1").dns("10.213." + subnet + ".1").build();
    }

    @Test
    void required_network_theContainerReachesTheHostAddress() throws Exception {
        requires(Capability.NETWORK);
        requiresFeatures(RuntimeFeature.NETWORK_ADDRESSING);
        NetworkSpec net = testNetwork();
        Container c = create(specBuilder(newId()).capabilities(with(Capability.NETWORK)).network(net).build());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(net.hostAddress().orElseThrow()))) {
            server.setSoTimeout(30_000);
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            exec(c, fixture().connectTcp(net.hostAddress().orElseThrow(), server.getLocalPort(), "hello host"));
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo("hello host");
        }
    }

    @Test
    void required_network_theHostReachesAServerInTheContainer() throws Exception {
        requires(Capability.NETWORK);
        requiresFeatures(RuntimeFeature.NETWORK_ADDRESSING);
        NetworkSpec net = testNetwork();
        Container c = create(specBuilder(newId()).capabilities(with(Capability.NETWORK)).network(net).build());
        int port = 20000 + RANDOM.nextInt(20000);
        ContainerProcess server = c.spawn(fixture().listenTcp(port).build());
        CompletableFuture<byte[]> out = readAllAsync(server.getInputStream());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(net.containerAddress(), port)) {
                s.getOutputStream().write("hello container".getBytes(StandardCharsets.UTF_8));
                last = null;
                break;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        assertThat(last).as("connecting to the container's server").isNull();
        assertThat(new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("hello container");
    }

    @Test
    void required_network_theResolverFileNamesTheDnsServers() {
        requires(Capability.NETWORK);
        requiresFeatures(RuntimeFeature.NETWORK_ADDRESSING);
        requiresGuest(GuestOs.LINUX);
        NetworkSpec net = testNetwork();
        Container c = create(specBuilder(newId()).capabilities(with(Capability.NETWORK)).network(net).build());
        assertThat(exec(c, fixture().readFile("/etc/resolv.conf")).stdout()).contains("nameserver " + net.dns().get(0));
    }

    // =====================================================================================================
    // errors
    // =====================================================================================================

    /**
     * What the action threw, like {@code catchThrowable}, except that a skip or a failure raised by
     * {@link #create} (no privileges here, or {@value Privileges#REQUIRE_PRIVILEGED_ENV}=1) is passed on: it
     * says nothing about the behaviour under test, and caught it would fail the test with a confusing message.
     */
    private static Throwable thrownBy(ThrowingCallable action) {
        Throwable t = catchThrowable(action);
        if (t instanceof TestAbortedException aborted) {
            throw aborted;
        }
        if (t instanceof AssertionError failed) {
            throw failed;
        }
        return t;
    }

    private static void assertInvalidSpec(Runnable action, String field) {
        assertThat(thrownBy(action::run))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining(field);
    }

    @Test
    void required_errors_badIdsAreInvalidSpec() {
        for (String bad : List.of("", "../escape", "a/b", "-dash", "x".repeat(65))) {
            assertInvalidSpec(() -> specBuilder(bad), "id");
        }
    }

    @Test
    void required_errors_badSizesAndLimitsAreInvalidSpec() {
        assertInvalidSpec(() -> ResourceLimits.builder().memoryMax("lots"), "limits.memoryMax");
        assertInvalidSpec(() -> ResourceLimits.builder().memoryMax("99999999999999999999"), "limits.memoryMax");
        assertInvalidSpec(() -> ResourceLimits.builder().cpuWeight(0), "limits.cpuWeight");
        assertInvalidSpec(() -> ResourceLimits.builder().cpuPercent(101), "limits.cpuPercent");
        assertInvalidSpec(() -> ResourceLimits.builder().pidsMax(0), "limits.pidsMax");
    }

    @Test
    void required_errors_badAddressesAreInvalidSpec() {
        assertInvalidSpec(() -> NetworkSpec.builder().containerAddress("10.0.0.300/24"), "network.containerAddress");
        assertInvalidSpec(() -> NetworkSpec.builder().containerAddress("10.0.0.2/33"), "network.containerAddress");
        assertInvalidSpec(() -> NetworkSpec.builder().containerAddress("10.0.0.2/255.0.255.0"), "network.containerAddress");
        assertInvalidSpec(() -> NetworkSpec.builder().dns("10.0.0.1;not-an-address"), "network.dns");
    }

    @Test
    void required_errors_badPathsAndArgumentsAreInvalidSpec() {
        assertInvalidSpec(() -> Layer.tmpfs("relative"), "layer.containerPath");
        assertInvalidSpec(() -> ProcessSpec.builder("x").workingDirectory("/a/../b"), "process.workingDirectory");
        assertInvalidSpec(() -> ProcessSpec.of("/bin/echo", "nul\0inside"), "process.command[1]");
        assertInvalidSpec(() -> ProcessSpec.builder("x").environment("A=B", "v"), "process.environment");
        assertInvalidSpec(() -> ContainerSpec.builder().id("no-rootfs").build(), "rootfs");
    }

    @Test
    void required_errors_overlappingIdMappingsAreInvalidSpec() {
        assertInvalidSpec(() -> specBuilder(newId()).capabilities(Capability.USERS)
                .uidMappings(new IdMapping(0, 100000, 100), new IdMapping(50, 200000, 100)).build(), "uidMappings");
    }

    @Test
    void required_errors_aPathOfTheOtherGuestFormIsRefusedByTheProvider() {
        String foreign = fixture().guestOs() == GuestOs.WINDOWS ? "/src" : "C:\\src";
        assertInvalidSpec(() -> shared().spawn(fixture().printWorkingDirectory().workingDirectory(foreign).build()), "process.workingDirectory");
    }

    @Test
    void required_errors_aForeignLayerPathIsRefusedAndLeavesNothing() throws IOException {
        requiresFeatures(RuntimeFeature.HOST_DIRECTORY_LAYERS);
        String foreign = fixture().guestOs() == GuestOs.WINDOWS ? "/src" : "C:\\src";
        String id = newId();
        Path dir = hostTempDir();
        assertInvalidSpec(() -> create(specBuilder(id).layer(Layer.hostDirectory(dir, foreign, Access.READ_ONLY)).build()), "layer");
        assertThat(runtime().list()).doesNotContain(id);
    }

    @Test
    void required_errors_limitsAreHonouredOrRefusedNeverIgnored() {
        Assumptions.assumeFalse(runtime().features().contains(RuntimeFeature.RESOURCE_LIMITS),
                "the provider declares RESOURCE_LIMITS; the resources tests check that it honours them");
        String id = newId();
        assertThat(thrownBy(() -> create(specBuilder(id).limits(ResourceLimits.builder().memoryMax("1G").build()).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThat(runtime().list()).doesNotContain(id);
    }

    @Test
    void required_errors_networkAddressingIsHonouredOrRefusedNeverIgnored() {
        requires(Capability.NETWORK);
        Assumptions.assumeFalse(runtime().features().contains(RuntimeFeature.NETWORK_ADDRESSING),
                "the provider declares NETWORK_ADDRESSING; the network tests check that it honours it");
        String id = newId();
        assertThat(thrownBy(() -> create(specBuilder(id).capabilities(with(Capability.NETWORK)).network(testNetwork()).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThat(runtime().list()).doesNotContain(id);
    }

    @Test
    void required_errors_aSecurityPolicyIsHonouredOrRefusedNeverIgnored() {
        Assumptions.assumeFalse(runtime().features().contains(RuntimeFeature.SECURITY_POLICY),
                "the provider declares SECURITY_POLICY");
        String id = newId();
        assertThat(thrownBy(() -> create(specBuilder(id).policy(SecurityPolicy.of(PolicyProfile.BUILD)).build())))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
        assertThat(runtime().list()).doesNotContain(id);
    }

    @Test
    void required_errors_aCapabilityTheProviderLacksIsRefused() {
        List<Capability> missing = Arrays.stream(Capability.values()).filter(c -> !runtime().capabilities().contains(c))
                .collect(Collectors.toList());
        Assumptions.assumeFalse(missing.isEmpty(), "the provider declares every capability");
        for (Capability c : missing) {
            String id = newId();
            assertThat(thrownBy(() -> create(specBuilder(id).capabilities(with(c)).build())))
                    .as("capability %s is not declared, so create must refuse it", c)
                    .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED));
            assertThat(runtime().list()).doesNotContain(id);
        }
    }

    // ---- stream helpers ----

    private static CompletableFuture<byte[]> readAllAsync(InputStream in) {
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

    private static CompletableFuture<Long> countAsync(InputStream in) {
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

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "containerv-tck-stream");
            t.setDaemon(true);
            return t;
        };
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        List<Path> want;
        try (var s = Files.walk(expected)) {
            want = s.map(expected::relativize).sorted().toList();
        }
        List<Path> got;
        try (var s = Files.walk(actual)) {
            got = s.map(actual::relativize).sorted().toList();
        }
        assertThat(got).isEqualTo(want);
        for (Path rel : want) {
            Path e = expected.resolve(rel);
            if (Files.isRegularFile(e)) {
                assertThat(Files.readAllBytes(actual.resolve(rel))).as(rel.toString()).isEqualTo(Files.readAllBytes(e));
            }
        }
    }
}
