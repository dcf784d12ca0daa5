package dev.containerv.internal;

import dev.containerv.api.ContainerException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The mechanics of the API's {@code ...Async} methods: the call on the caller's executor, or on a daemon thread of its
 * own that ends with the call (no pool outlives the work), its {@link ContainerException} the future's failure.
 */
public final class Async {
    private static final AtomicLong THREADS = new AtomicLong();

    /** Runs each task on a new daemon thread named {@code containerv-async-<n>}, which ends with the task. */
    public static final Executor THREAD_PER_CALL = task -> {
        Thread t = new Thread(task, "containerv-async-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        t.start();
    };

    private Async() {
    }

    /**
     * {@code call} on {@code executor}; a failure completes the future exceptionally with the exception itself (not
     * wrapped). If the future is cancelled (or completed by the caller) before the call returns, {@code orphan}
     * receives the result, so that what it made (a container) is not left behind.
     */
    public static <T> CompletableFuture<T> supply(Supplier<T> call, Executor executor, Consumer<T> orphan) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                T value;
                try {
                    value = call.get();
                } catch (RuntimeException | Error e) {
                    f.completeExceptionally(e);
                    return;
                }
                if (!f.complete(value) && value != null) {
                    orphan.accept(value);
                }
            });
        } catch (RuntimeException e) {
            f.completeExceptionally(e instanceof CompletionException ? e.getCause() : e);
        }
        return f;
    }
}
