package dev.containerv.spi;

import dev.containerv.api.ContainerProcess;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The exit value of a provider's {@link ContainerProcess}, set once and read the way {@link Process}
 * specifies: {@link #await()} for {@code waitFor()}, {@link #await(long, TimeUnit)} for the timed
 * {@code waitFor}, {@link #valueNow(Supplier)} for {@code exitValue()}, {@link #onExit(Process)} for
 * {@code onExit()}. Providers delegate to it so every provider's process behaves alike. Thread-safe.
 */
public final class ProcessExit {
    private final CompletableFuture<Integer> value = new CompletableFuture<>();

    /**
     * Records the exit value (by the convention of the API: 128 + n for a death by signal n).
     *
     * @return {@code false} if a value was recorded before; the first one stays
     */
    public boolean complete(int exitValue) {
        return value.complete(exitValue);
    }

    /** Whether the process has exited (its exit value is recorded). */
    public boolean isDone() {
        return value.isDone();
    }

    /** Blocks until the exit value is recorded and returns it. */
    public int await() throws InterruptedException {
        try {
            return value.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the exit value was never recorded", e.getCause());
        }
    }

    /**
     * Blocks for at most the timeout (none when it is zero or negative).
     *
     * @return whether the process has exited
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        if (value.isDone()) {
            return true;
        }
        if (timeout <= 0) {
            return false;
        }
        try {
            value.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the exit value was never recorded", e.getCause());
        }
    }

    /**
     * The exit value.
     *
     * @param process names the process in the message, e.g. {@code "process 12 (make) in container build-1"}
     * @throws IllegalThreadStateException if it has not exited, as {@link Process#exitValue()} does
     */
    public int valueNow(Supplier<String> process) {
        Integer v = value.getNow(null);
        if (v == null) {
            throw new IllegalThreadStateException(process.get() + " has not exited");
        }
        return v;
    }

    /** The exit value, or empty while the process runs; for {@code toString()}. */
    public OptionalInt peek() {
        Integer v = value.getNow(null);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** A future that completes with {@code process} when it exits; for {@link Process#onExit()}. */
    public CompletableFuture<Process> onExit(Process process) {
        return value.thenApply(v -> process);
    }
}
