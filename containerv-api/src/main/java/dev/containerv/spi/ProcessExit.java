package dev.containerv.spi;

import dev.containerv.api.ContainerProcess;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The exit value of a provider's {@link ContainerProcess}, set once and read the way {@link Process}
 * specifies: {@link #await()} for {@code waitFor()}, {@link #await(long, TimeUnit)} for the timed
 * {@code waitFor}, {@link #valueNow(Supplier)} for {@code exitValue()}, {@link #onExit(Process)} for
 * {@code onExit()}. Providers delegate to it so every provider's process behaves alike. Where the exit
 * cannot be established (the platform's wait failed), {@link #fail} records why: the process then counts as
 * running, and every read throws that failure. Thread-safe.
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

    /**
     * Records that the exit cannot be established; unless a value was recorded before, {@link #await()},
     * {@link #await(long, TimeUnit)} and {@link #valueNow} throw {@code failure} from now on and
     * {@link #onExit} completes exceptionally with it.
     *
     * @return {@code false} if a value or a failure was recorded before; the first one stays
     */
    public boolean fail(RuntimeException failure) {
        return value.completeExceptionally(Objects.requireNonNull(failure, "failure"));
    }

    /** Whether the process has exited (its exit value is recorded); {@code false} after {@link #fail}. */
    public boolean isDone() {
        return value.isDone() && !value.isCompletedExceptionally();
    }

    /**
     * Blocks until the exit value is recorded and returns it.
     *
     * @throws RuntimeException the failure given to {@link #fail}
     */
    public int await() throws InterruptedException {
        try {
            return value.get();
        } catch (ExecutionException e) {
            throw failure(e);
        }
    }

    /**
     * Blocks for at most the timeout (none when it is zero or negative).
     *
     * @return whether the process has exited
     * @throws RuntimeException the failure given to {@link #fail}
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        try {
            value.get(Math.max(0, timeout), unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw failure(e);
        }
    }

    /**
     * The exit value.
     *
     * @param process names the process in the message, e.g. {@code "process 12 (make) in container build-1"}
     * @throws IllegalThreadStateException if it has not exited, as {@link Process#exitValue()} does
     * @throws RuntimeException              the failure given to {@link #fail}
     */
    public int valueNow(Supplier<String> process) {
        Integer v;
        try {
            v = value.getNow(null);
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (v == null) {
            throw new IllegalThreadStateException(process.get() + " has not exited");
        }
        return v;
    }

    /** The exit value, or empty while the process runs or after {@link #fail}; for {@code toString()}. */
    public OptionalInt peek() {
        Integer v = isDone() ? value.getNow(null) : null;
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /**
     * A future that completes with {@code process} when it exits, or exceptionally with the failure given to
     * {@link #fail}; for {@link Process#onExit()}.
     */
    public CompletableFuture<Process> onExit(Process process) {
        return value.thenApply(v -> process);
    }

    private static RuntimeException failure(ExecutionException e) {
        return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("the exit value was never recorded", e.getCause());
    }
}
