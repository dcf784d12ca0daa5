package dev.containerv.linux.runtime;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ExecResult;
import dev.containerv.api.ProcessSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code exec}: a spawned process with both outputs drained concurrently, waited for; with a timeout, killed
 * ({@code TIMEOUT}) when it runs longer, and {@code TIMEOUT} too when it exited but its output stays open past the
 * deadline (a background process it started holds it).
 */
final class Exec {
    private static final System.Logger LOG = System.getLogger(Exec.class.getName());
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);
    private static final String OP = "linux::Container::exec";

    private Exec() {
    }

    /** @param timeout the deadline of the whole call, or {@code null} for none */
    static ExecResult run(LinuxContainerProcess p, ProcessSpec process, Duration timeout, ExecutorService pool, String id) {
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), pool);
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), pool);
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        try {
            if (timeout == null) {
                p.waitFor();
                return new ExecResult(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
            }
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                throw ContainerException.builder(ErrorKind.TIMEOUT, process.command() + " ran longer than " + timeout
                        + " and was killed").operation(OP).containerId(id).build();
            }
            try {
                // The timeout bounds the whole call: a background process it started may hold the output open.
                byte[] stdout = out.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                byte[] stderr = err.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return new ExecResult(p.exitValue(), new String(stdout, StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8));
            } catch (TimeoutException e) {
                closeQuietly(p.getInputStream());
                closeQuietly(p.getErrorStream());
                throw ContainerException.builder(ErrorKind.TIMEOUT, process.command() + " exited with " + p.exitValue()
                        + ", but its output was still open after " + timeout + " (a background process it started holds it?)")
                        .operation(OP).containerId(id).build();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "interrupted while running " + process.command())
                    .operation(OP).containerId(id).cause(e).build();
        } catch (ExecutionException e) {
            throw ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "cannot read the output of " + process.command())
                    .operation(OP).containerId(id).cause(e.getCause()).build();
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing an output stream of an exec: " + e);
        }
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
