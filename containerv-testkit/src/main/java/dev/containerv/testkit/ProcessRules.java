package dev.containerv.testkit;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.ProcessDefaults;
import dev.containerv.api.ProcessSpec;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.api.Signal;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.containerv.testkit.ConformanceSupport.PROCESS_TIMEOUT;
import static dev.containerv.testkit.ConformanceSupport.countAsync;
import static dev.containerv.testkit.ConformanceSupport.readAllAsync;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code processes} area of the conformance suite. Processes in a container: arguments, environment, working
 * directory, user, streams, exit values, signals and waiting. Implemented by {@link ContainerConformanceSuite};
 * see {@link ConformanceRules} for the names.
 */
public interface ProcessRules extends ConformanceRules {
    @Test
    default void required_processes_argumentsWithSpacesQuotesAndNonAsciiArriveIntact() {
        String[] args = {"two words", "it's \"quoted\"", "grüße, 日本, ☃", "", "back\\slash", "$HOME *"};
        ExecResult r = tck().exec(tck().shared(), tck().fixture().printArguments(args));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(String.join("\n", args) + "\n");
    }

    @Test
    default void required_processes_environmentIsPassed() {
        ExecResult r = tck().exec(tck().shared(), tck().fixture().printEnvironment().environment(Map.of("TCK_VAR", "value with spaces", "TCK_UNICODE", "é")));
        assertThat(r.stdout().lines()).contains("TCK_VAR=value with spaces", "TCK_UNICODE=é");
    }

    @Test
    default void required_processes_environmentWithoutDefaultsHasOnlyWhatIsGiven() {
        ExecResult r = tck().exec(tck().shared(), tck().fixture().printEnvironment().defaultEnvironment(false).environment("ONLY", "me"));
        assertThat(r.stdout().lines()).containsExactly("ONLY=me");
    }

    @Test
    default void required_processes_workingDirectoryIsHonoured() {
        String dir = tck().fixture().scratchDirectory();
        ExecResult r = tck().exec(tck().shared(), tck().fixture().printWorkingDirectory().workingDirectory(dir));
        assertThat(r.stdout().strip()).isEqualTo(dir);
    }

    @Test
    default void required_processes_aMissingWorkingDirectoryFailsClearly() {
        String dir = tck().scratchPath("no-such-dir");
        assertThatThrownBy(() -> tck().shared().exec(tck().fixture().printWorkingDirectory().workingDirectory(dir).build()))
                .isInstanceOf(ContainerException.class).hasMessageContaining(dir);
    }

    @Test
    default void optional_processes_userByNumberAndByName() {
        tck().requiresFeatures(RuntimeFeature.RUN_AS_USER);
        GuestFixture.KnownUser user = tck().fixture().knownUser();
        assertThat(tck().exec(tck().shared(), tck().fixture().printUserId().user(Long.toString(user.id()))).stdout().strip()).isEqualTo(Long.toString(user.id()));
        assertThat(tck().exec(tck().shared(), tck().fixture().printUserId().user(user.name())).stdout().strip()).isEqualTo(Long.toString(user.id()));
    }

    @Test
    default void optional_processes_anUnknownUserIsRefused() {
        tck().requiresFeatures(RuntimeFeature.RUN_AS_USER);
        assertThatThrownBy(() -> tck().shared().exec(tck().fixture().printUserId().user("no-such-user").build()))
                .isInstanceOf(ContainerException.class).hasMessageContaining("no-such-user");
    }

    @Test
    default void required_processes_containerDefaultsApplyUnlessTheProcessOverridesThem() {
        String dir = tck().fixture().scratchDirectory();
        Container c = tck().create(tck().specBuilder(tck().newId()).processDefaults(ProcessDefaults.builder()
                .environment(Map.of("TCK_DEFAULT", "from the container", "TCK_BOTH", "from the container")).workingDirectory(dir).build()).build());
        ExecResult env = tck().exec(c, tck().fixture().printEnvironment().environment("TCK_BOTH", "from the process"));
        assertThat(env.stdout().lines()).contains("TCK_DEFAULT=from the container", "TCK_BOTH=from the process");
        ExecResult bare = tck().exec(c, tck().fixture().printEnvironment().defaultEnvironment(false).environment("ONLY", "me"));
        assertThat(bare.stdout().lines()).as("no defaults for a process without the default environment").containsExactly("ONLY=me");
        assertThat(tck().exec(c, tck().fixture().printWorkingDirectory()).stdout().strip()).isEqualTo(dir);
        ContainerProcess spawned = c.spawn(tck().fixture().printEnvironment().redirectErrorStream(true).build());
        assertThat(new String(readAllAsync(spawned.getInputStream()).join(), StandardCharsets.UTF_8).lines()).contains("TCK_DEFAULT=from the container");
    }

    @Test
    default void optional_processes_containerDefaultUserAppliesUnlessTheProcessNamesOne() {
        tck().requiresFeatures(RuntimeFeature.RUN_AS_USER);
        GuestFixture.KnownUser user = tck().fixture().knownUser();
        Container c = tck().create(tck().specBuilder(tck().newId())
                .processDefaults(ProcessDefaults.builder().user(Long.toString(user.id())).build()).build());
        assertThat(tck().exec(c, tck().fixture().printUserId()).stdout().strip()).isEqualTo(Long.toString(user.id()));
        assertThat(tck().exec(c, tck().fixture().printUserId().user(user.name())).stdout().strip()).isEqualTo(Long.toString(user.id()));
    }

    @Test
    default void required_processes_lineConsumersGetEveryLineOfBothStreamsWithoutBlocking() throws Exception {
        long size = 4L << 20; // "out\n" and "err\n" lines: size / 4 of each
        List<String> otherOut = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong outLines = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong errLines = new java.util.concurrent.atomic.AtomicLong();
        ContainerProcess p = tck().shared().spawn(tck().fixture().floodBothStreams(size)
                .onStdoutLine(l -> {
                    if (l.equals("out")) {
                        outLines.incrementAndGet();
                    } else {
                        otherOut.add(l);
                    }
                })
                .onStderrLine(l -> errLines.addAndGet(l.equals("err") ? 1 : 1_000_000_000L)).build());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("nobody reads the streams, yet the process ends").isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(outLines).as("every stdout line was handed over when waitFor returned").hasValue(size / 4);
        assertThat(errLines).hasValue(size / 4);
        assertThat(otherOut).isEmpty();
        assertThat(p.getInputStream().read()).as("the consumer took the stream's place").isEqualTo(-1);

        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecResult r = tck().exec(tck().shared(), tck().fixture().print("one\ntwo\nthree").onStdoutLine(lines::add));
        assertThat(lines).containsExactly("one", "two", "three");
        assertThat(r.stdout()).as("exec's result has the output too").isEqualTo("one\ntwo\nthree");
    }

    @Test
    default void required_processes_stdinReachesTheProgram() throws Exception {
        ContainerProcess p = tck().shared().spawn(tck().fixture().echoStdin().build());
        CompletableFuture<byte[]> out = readAllAsync(p.getInputStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write("hello, container\nline two".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("hello, container\nline two");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    default void required_processes_largeOutputOnBothStreamsAtOnceIsComplete() throws Exception {
        long size = 8L << 20;
        ContainerProcess p = tck().shared().spawn(tck().fixture().floodBothStreams(size).build());
        CompletableFuture<Long> out = countAsync(p.getInputStream());
        CompletableFuture<Long> err = countAsync(p.getErrorStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.get(30, TimeUnit.SECONDS)).isEqualTo(size);
        assertThat(err.get(30, TimeUnit.SECONDS)).isEqualTo(size);
        assertThat(p.exitValue()).isZero();
    }

    @Test
    default void required_processes_stdoutAndStderrAreSeparate() {
        ExecResult err = tck().exec(tck().shared(), tck().fixture().printToStderr("only on stderr"));
        assertThat(err.stdout()).isEmpty();
        assertThat(err.stderr()).isEqualTo("only on stderr");
        ExecResult out = tck().exec(tck().shared(), tck().fixture().print("only on stdout"));
        assertThat(out.stdout()).isEqualTo("only on stdout");
        assertThat(out.stderr()).isEmpty();
    }

    @Test
    default void required_processes_exitCodesComeBackExactly() {
        for (int code : new int[] {0, 1, 42, 255}) {
            assertThat(tck().exec(tck().shared(), tck().fixture().exitWith(code)).exitCode()).as("exit %d", code).isEqualTo(code);
        }
    }

    @Test
    default void required_processes_killGivesExitValue128PlusTheSignal() throws Exception {
        ContainerProcess p = tck().shared().spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        p.kill(Signal.KILL);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 9);
    }

    @Test
    default void optional_processes_termAndOtherSignalsAreDelivered() throws Exception {
        tck().requiresFeatures(RuntimeFeature.POSIX_SIGNALS);
        ContainerProcess p = tck().shared().spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        p.kill(Signal.TERM);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 15);
        ContainerProcess q = tck().shared().spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        q.kill(Signal.USR1);
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(128 + 10);
    }

    @Test
    default void required_processes_destroyAndDestroyForciblyEndTheProcess() throws Exception {
        ContainerProcess p = tck().shared().spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        ContainerProcess q = tck().shared().spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        q.destroyForcibly();
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.isAlive()).isFalse();
    }

    @Test
    default void required_processes_killingAnExitedProcessIsHarmless() throws Exception {
        ContainerProcess p = tck().shared().spawn(tck().fixture().exitWith(3).build());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        p.kill(Signal.KILL);
        p.destroy();
        assertThat(p.exitValue()).isEqualTo(3);
    }

    @Test
    default void required_processes_inheritedStdinReadsTheJvmsStdinAndLeavesItOpen() throws Exception {
        // INHERIT means the JVM's standard input, as for ProcessBuilder; a provider that transports it reads
        // System.in, which this test replaces for the while, and must never close it.
        InputStream jvmStdin = System.in;
        ConformanceSupport.StdinProbe probe = new ConformanceSupport.StdinProbe("from the JVM's stdin\n");
        System.setIn(probe);
        try {
            ContainerProcess p = tck().shared().spawn(tck().fixture().echoStdin().redirectInput(Redirect.INHERIT).build());
            CompletableFuture<byte[]> out = readAllAsync(p.getInputStream());
            boolean exited = p.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            assertThat(exited).as("the process reading an inherited stdin ends when System.in ends").isTrue();
            assertThat(new String(out.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).as("what the process read").isEqualTo(probe.text());
            assertThat(p.exitValue()).isZero();
            assertThat(probe.closed()).as("System.in closed by the provider").isFalse();
        } finally {
            System.setIn(jvmStdin);
        }
        assertThatCode(jvmStdin::available).as("the JVM's own stdin is still open").doesNotThrowAnyException();
    }

    @Test
    default void required_processes_destroyOfAnExitedProcessIsHarmless() throws Exception {
        ContainerProcess p = tck().shared().spawn(tck().fixture().exitWith(3).build());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThatCode(() -> {
            p.destroy();
            p.destroyForcibly();
            p.destroy();
        }).as("destroy of an exited process").doesNotThrowAnyException();
        assertThat(p.isAlive()).isFalse();
        assertThat(p.exitValue()).isEqualTo(3);
        assertThat(p.onExit().get(30, TimeUnit.SECONDS).exitValue()).isEqualTo(3);

        // Gone with its container: Process.destroy() has no way to report a failure, so it must not throw one.
        Container c = tck().createDefault();
        ContainerProcess q = c.spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        c.destroy();
        assertThatCode(() -> {
            q.destroy();
            q.destroyForcibly();
        }).as("destroy of a process whose container is destroyed").doesNotThrowAnyException();
        assertThat(q.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.isAlive()).isFalse();
    }

    @Test
    default void required_processes_waitWithTimeoutReturnsFalseWhileRunning() throws Exception {
        ContainerProcess p = tck().shared().spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
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
    default void required_processes_onExitCompletesWithTheProcess() throws Exception {
        ContainerProcess p = tck().shared().spawn(tck().fixture().exitWith(7).build());
        Process done = p.onExit().get(30, TimeUnit.SECONDS);
        assertThat(done.exitValue()).isEqualTo(7);
    }

    @Test
    default void required_processes_hundredConcurrentSpawnsAllSucceed() throws Exception {
        Container c = tck().shared(); // here, not in the pool: a skip for lack of privileges must reach JUnit
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<ExecResult>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String text = "n" + i;
                results.add(pool.submit(() -> c.exec(tck().fixture().print(text).build(), PROCESS_TIMEOUT)));
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
    default void required_processes_aMissingProgramIsNotFound() {
        String program = tck().fixture().path(tck().fixture().scratchDirectory(), "no-such-program-" + tck().newId());
        assertThatThrownBy(() -> tck().shared().spawn(ProcessSpec.of(program)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining(program);
    }

    @Test
    default void required_processes_execTimeoutKillsAndThrowsTimeout() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> tck().shared().exec(tck().fixture().sleep(Duration.ofSeconds(60)).build(), Duration.ofMillis(500)))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    default void required_processes_redirectErrorStreamMergesStderrIntoStdout() throws Exception {
        ContainerProcess p = tck().shared().spawn(tck().fixture().printToStderr("merged").redirectErrorStream(true).build());
        assertThat(new String(readAllAsync(p.getInputStream()).get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("merged");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    default void required_processes_redirectToAHostFileIsServed() throws Exception {
        Path out = tck().hostTempDir().resolve("out.txt");
        ContainerProcess p = tck().shared().spawn(tck().fixture().print("to a file").redirectOutput(Redirect.to(out.toFile())).build());
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
    default void required_processes_pidsAreReported() throws Exception {
        ContainerProcess p = tck().shared().spawn(tck().fixture().sleep(Duration.ofSeconds(60)).build());
        try {
            assertThat(p.containerPid()).isPositive();
            assertThat(p.pid()).isPositive();
            assertThat(p.containerId()).isEqualTo(tck().shared().id());
        } finally {
            p.destroyForcibly();
        }
    }
}
