package dev.containerv.spi;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.PartialExecResult;
import dev.containerv.api.ProcessSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Container#exec(ProcessSpec, Duration)} written once, over the provider's spawn: the process is spawned
 * with every stream a {@link Redirect#PIPE} (whatever the spec says; {@link ProcessSpec#redirectErrorStream()} is
 * kept), its standard input is closed at once, its standard output and error are captured as UTF-8, and the whole
 * call is bounded by the timeout:
 * <ul>
 * <li>still running at the deadline: it is killed ({@link Process#destroyForcibly()}, then up to
 *     {@value #KILL_WAIT_SECONDS} s for the exit) and {@code TIMEOUT} is thrown:
 *     "{@code the process [sleep, 60] ran longer than PT0.5S and was killed}";
 * <li>exited, but its output still open at the deadline (a background process it started holds the pipe):
 *     {@code TIMEOUT} naming that cause: "{@code the process [sh, -c, sleep 60 &] exited with 0, but its output
 *     was still open after PT5S (a background process it started holds it?)}"; the output streams are closed;
 * <li>interrupted: the process is killed, the interrupt flag is set again, and {@code PLATFORM_FAILURE} is thrown;
 * <li>the output cannot be read to its end: {@code PLATFORM_FAILURE} with the cause.
 * </ul>
 * Exceptions carry the operation and container id given; a {@code TIMEOUT} also carries what was captured until then
 * ({@link ContainerException#partialResult()}: the exit code where the process had exited, the output, bounded).
 *
 * <p>Line consumers of the spec ({@link ProcessSpec#stdoutLines()}, {@link ProcessSpec#stderrLines()}) get each line as
 * it is captured (a {@link LineSink} beside the capture); the result has the whole output still.
 */
public final class DeadlineExec {
    /** How long a process killed at the deadline is given to report its exit. */
    public static final int KILL_WAIT_SECONDS = 10;

    /** The provider's spawn, given the spec with every stream piped. */
    @FunctionalInterface
    public interface Spawner {
        /**
         * Starts the process. The provider may give it an empty standard input instead of a pipe (then
         * {@code getOutputStream()} is a stream whose {@code close()} is harmless).
         */
        ContainerProcess spawn(ProcessSpec piped);
    }

    private DeadlineExec() {
    }

    /**
     * Runs {@code process} to its end and returns its exit code and output, naming it by its command in messages.
     *
     * @param timeout     the bound of the whole call; {@code null} for none
     * @param operation   names the operation in errors, such as {@code "linux::Container::exec"}
     * @param containerId names the container in errors
     * @throws ContainerException {@code TIMEOUT} or {@code PLATFORM_FAILURE} as the class comment says, or what
     *                            the spawn throws
     */
    public static ExecResult run(Spawner spawner, ProcessSpec process, Duration timeout, String operation, String containerId) {
        return run(spawner, process, process.command().toString(), timeout, operation, containerId);
    }

    /**
     * As {@link #run(Spawner, ProcessSpec, Duration, String, String)}, naming the process as {@code shown} (a
     * provider that runs a command line rather than an argument list shows that).
     */
    public static ExecResult run(Spawner spawner, ProcessSpec process, String shown, Duration timeout, String operation, String containerId) {
        Objects.requireNonNull(spawner, "spawner");
        Objects.requireNonNull(shown, "shown");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(containerId, "containerId");
        if (timeout != null && timeout.isNegative()) {
            throw ContainerException.invalidSpec("timeout", timeout, "a duration of zero or more, or none");
        }
        ContainerProcess p = spawner.spawn(process.toBuilder().redirectInput(Redirect.PIPE).redirectOutput(Redirect.PIPE)
                .redirectError(Redirect.PIPE).clearLineConsumers().build());
        closeQuietly(p.getOutputStream());
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        StreamPump outPump = StreamPump.start("containerv-exec-stdout-" + containerId, p.getInputStream(),
                withLines(outBytes, process.stdoutLines(), "stdout of " + shown + " in container " + containerId));
        StreamPump errPump = StreamPump.start("containerv-exec-stderr-" + containerId, p.getErrorStream(),
                withLines(errBytes, process.stderrLines(), "stderr of " + shown + " in container " + containerId));
        CompletableFuture<Void> out = outPump.done();
        CompletableFuture<Void> err = errPump.done();
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        try {
            if (timeout == null) {
                p.waitFor();
                CompletableFuture.allOf(out, err).get();
            } else {
                if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
                    throw ContainerException.builder(ErrorKind.TIMEOUT, "the process " + shown + " ran longer than " + timeout + " and was killed")
                            .operation(operation).containerId(containerId)
                            .partialResult(PartialExecResult.of(OptionalInt.empty(), text(outBytes), text(errBytes))).build();
                }
                // The timeout bounds the whole call: a background process it started may hold the output open.
                CompletableFuture.allOf(out, err).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            closeQuietly(p.getInputStream());
            closeQuietly(p.getErrorStream());
            throw ContainerException.builder(ErrorKind.TIMEOUT, "the process " + shown + " exited with " + p.exitValue()
                            + ", but its output was still open after " + timeout + " (a background process it started holds it?)")
                    .operation(operation).containerId(containerId)
                    .partialResult(PartialExecResult.of(OptionalInt.of(p.exitValue()), text(outBytes), text(errBytes))).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "interrupted while running the process " + shown)
                    .operation(operation).containerId(containerId).cause(e).build();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a StreamPump completed exceptionally, which it never does", e);
        }
        Exception readFailure = outPump.failure().or(errPump::failure).orElse(null);
        if (readFailure != null) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot read the output of the process " + shown + ": " + readFailure)
                    .operation(operation).containerId(containerId).cause(readFailure).build();
        }
        return new ExecResult(p.exitValue(), text(outBytes), text(errBytes));
    }

    /** The capture, and beside it the line consumer if there is one. */
    private static java.io.OutputStream withLines(ByteArrayOutputStream capture, java.util.Optional<java.util.function.Consumer<String>> lines,
                                                  String name) {
        if (lines.isEmpty()) {
            return capture;
        }
        LineSink sink = new LineSink(lines.get(), name);
        return new java.io.OutputStream() {
            @Override
            public void write(int b) {
                capture.write(b);
                sink.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                capture.write(b, off, len);
                sink.write(b, off, len);
            }

            @Override
            public void close() {
                sink.close();
            }
        };
    }

    /** What a pump wrote so far; the stream is synchronized, so a pump still writing is no harm. */
    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.getLogger(DeadlineExec.class.getName()).log(System.Logger.Level.DEBUG, () -> "closing a stream of an exec: " + e);
        }
    }
}
