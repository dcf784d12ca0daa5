package dev.containerv.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.PartialExecResult;
import dev.containerv.api.ProcessSpec;

import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineExecTest {
    private static final String OP = "test::Container::exec";
    private final List<HostBackedProcess> started = new ArrayList<>();

    /** Runs the spec's command on the host, checking that it arrives with every stream piped. */
    private HostBackedProcess spawn(ProcessSpec piped) {
        assertThat(List.of(piped.stdin(), piped.stdout(), piped.stderr())).containsOnly(Redirect.PIPE);
        try {
            HostBackedProcess p = new HostBackedProcess(new ProcessBuilder(piped.command())
                    .redirectErrorStream(piped.redirectErrorStream()).start());
            started.add(p);
            return p;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void killWhatIsLeft() {
        started.forEach(p -> ProcessHandle.of(p.pid()).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }));
    }

    private static ProcessSpec sh(String script) {
        return ProcessSpec.builder("sh", "-c", script).redirectOutput(Redirect.DISCARD).redirectInput(Redirect.INHERIT).build();
    }

    @Test
    void capturesBothOutputsAndTheExitCodeWithStdinClosed() {
        ExecResult r = DeadlineExec.run(this::spawn, sh("cat; printf out; printf err >&2; exit 3"), Duration.ofSeconds(30), OP, "c1");
        assertThat(r).isEqualTo(new ExecResult(3, "out", "err"));
        assertThat(DeadlineExec.run(this::spawn, sh("printf out"), null, OP, "c1").stdout()).isEqualTo("out");
    }

    @Test
    void aTimeoutTooLongForNanosecondsIsNoDeadline() {
        // Used to throw ArithmeticException from toNanos() after the spawn, leaving the process running.
        ExecResult r = DeadlineExec.run(this::spawn, sh("printf done"), java.time.temporal.ChronoUnit.FOREVER.getDuration(), OP, "c1");
        assertThat(r).isEqualTo(new ExecResult(0, "done", ""));
    }

    @Test
    void mergedStderrIsKept() {
        ProcessSpec merged = sh("printf a; printf b >&2").toBuilder().redirectErrorStream(true).build();
        assertThat(DeadlineExec.run(this::spawn, merged, Duration.ofSeconds(30), OP, "c1")).isEqualTo(new ExecResult(0, "ab", ""));
    }

    @Test
    void aProcessRunningAtTheDeadlineIsKilledAndTimesOut() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> DeadlineExec.run(this::spawn, sh("sleep 60"), Duration.ofMillis(300), OP, "c1"))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
                    assertThat(e.operation()).hasValue(OP);
                    assertThat(e.containerId()).hasValue("c1");
                })
                .hasMessageContaining("the process [sh, -c, sleep 60] ran longer than PT0.3S and was killed");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(started.get(0).isAlive()).isFalse();
    }

    @Test
    void anExitWithTheOutputHeldOpenTimesOutNamingTheCause() {
        long t0 = System.nanoTime();
        // The exit waits a little: the JDK closes a host process's pipe at its exit unless a read is under way.
        assertThatThrownBy(() -> DeadlineExec.run(this::spawn, sh("sleep 60 & sleep 0.5; exit 0"), "`sleep 60 &`", Duration.ofSeconds(2), OP, "c1"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT))
                .hasMessageContaining("the process `sleep 60 &` exited with 0, but its output was still open after PT2S"
                        + " (a background process it started holds it?)");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aTimeoutCarriesWhatWasCapturedAndTheExitCodeWhereThereWasOne() {
        ContainerException killed = (ContainerException) org.assertj.core.api.Assertions.catchThrowable(() -> DeadlineExec.run(
                this::spawn, sh("printf started; printf oops >&2; exec sleep 60"), Duration.ofSeconds(1), OP, "c1"));
        assertThat(killed.kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(killed.partialResult()).hasValue(new PartialExecResult(OptionalInt.empty(), "started", "oops", false));

        // The case a build tool meets: the build exited 0, a daemon it started keeps the output open.
        ContainerException held = (ContainerException) org.assertj.core.api.Assertions.catchThrowable(() -> DeadlineExec.run(
                this::spawn, sh("printf built; sleep 60 & sleep 0.5; exit 0"), Duration.ofSeconds(2), OP, "c1"));
        assertThat(held.kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(held.partialResult()).hasValue(new PartialExecResult(OptionalInt.of(0), "built", "", false));
    }

    @Test
    void thePartialOutputKeepsTheEndOfALongStream() {
        String longOut = "x".repeat(PartialExecResult.MAX_CHARS) + "the end";
        PartialExecResult r = PartialExecResult.of(OptionalInt.of(1), longOut, "short");
        assertThat(r.stdout()).hasSize(PartialExecResult.MAX_CHARS).endsWith("the end");
        assertThat(r.stderr()).isEqualTo("short");
        assertThat(r.truncated()).isTrue();
        assertThat(PartialExecResult.of(OptionalInt.empty(), "a", "b").truncated()).isFalse();
    }

    @Test
    void anInterruptKillsTheProcessAndKeepsTheFlag() throws Exception {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        CompletableFuture<Boolean> flag = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                DeadlineExec.run(this::spawn, sh("sleep 60"), Duration.ofSeconds(60), OP, "c1");
            } catch (RuntimeException e) {
                thrown.complete(e);
            }
            flag.complete(Thread.currentThread().isInterrupted());
        });
        t.start();
        while (started.isEmpty()) {
            Thread.sleep(10);
        }
        t.interrupt();
        assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ContainerException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE)).hasMessageContaining("interrupted while running the process");
        assertThat(flag.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(started.get(0).waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        assertThatThrownBy(() -> DeadlineExec.run(this::spawn, sh("true"), Duration.ofSeconds(-1), OP, "c1"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC));
        assertThat(started).isEmpty();
    }
}
