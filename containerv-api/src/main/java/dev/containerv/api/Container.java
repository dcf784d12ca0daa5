package dev.containerv.api;

import dev.containerv.internal.Async;
import dev.containerv.internal.Checks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A running container. {@link #close()} destroys it: every process ends, every mount and the writable
 * layer go, and the id is free again. Thread-safe.
 *
 * <pre>{@code
 * try (Container c = runtime.create(spec)) {
 *     ExecResult r = c.exec(ProcessSpec.of("/bin/cat", "/etc/os-release"));
 * }
 * }</pre>
 */
public interface Container extends AutoCloseable {
    /** The container's id. */
    String id();

    /** The spec it was created from (for a container {@link ContainerRuntime#open opened} by id, as recorded at create). */
    ContainerSpec spec();

    /**
     * Starts a process in the container.
     *
     * @throws ContainerException {@code NOT_FOUND} if the program does not exist or the container is gone,
     *                            {@code INVALID_SPEC} if the spec does not fit the guest
     */
    ContainerProcess spawn(ProcessSpec process);

    /**
     * Runs a process to its end and captures both streams until they end (its standard input is empty). A
     * background process it leaves holding them keeps this waiting; {@link #exec(ProcessSpec, Duration)} does not.
     *
     * @throws ContainerException as {@link #spawn}
     */
    ExecResult exec(ProcessSpec process);

    /**
     * Like {@link #exec(ProcessSpec)} but kills the process and throws {@code TIMEOUT} if it runs longer
     * than {@code timeout}; also {@code TIMEOUT} if it exited but its output streams are still open when the
     * timeout ends (held by a background process it started).
     */
    ExecResult exec(ProcessSpec process, Duration timeout);

    /**
     * {@link #exec(ProcessSpec, Duration)} on {@code executor}: the future completes with the result, or exceptionally
     * with the {@link ContainerException} (not wrapped; {@code join()} wraps it in a
     * {@link java.util.concurrent.CompletionException}). Cancelling the future does not stop the process; the timeout
     * does.
     *
     * <pre>{@code
     * CompletableFuture<ExecResult> tests = c.execAsync(ProcessSpec.of("make", "test"), Duration.ofMinutes(10), pool);
     * }</pre>
     *
     * @param timeout  as for {@link #exec(ProcessSpec, Duration)}; {@code null} for none
     * @param executor where the call runs, such as a pool of the caller
     */
    default CompletableFuture<ExecResult> execAsync(ProcessSpec process, Duration timeout, Executor executor) {
        Checks.notNull("process", process, "a ProcessSpec");
        Checks.notNull("executor", executor, "an Executor");
        return Async.supply(() -> timeout == null ? exec(process) : exec(process, timeout), executor, r -> { });
    }

    /**
     * {@link #exec(ProcessSpec)} on a daemon thread of its own, which ends with the call; see
     * {@link #execAsync(ProcessSpec, Duration, Executor)}.
     */
    default CompletableFuture<ExecResult> execAsync(ProcessSpec process) {
        return execAsync(process, null, Async.THREAD_PER_CALL);
    }

    /**
     * Copies a host file or directory tree to {@code containerPath}, which becomes the copy (like
     * {@code cp -r host containerPath} into a path that does not exist yet). Modes are kept. A symlink in
     * the container can never redirect the copy to a host path.
     *
     * @throws ContainerException {@code NOT_FOUND} if {@code host} does not exist, {@code INVALID_SPEC} for a bad container path
     */
    void upload(Path host, String containerPath);

    /**
     * Copies a container file or directory tree to {@code host}, which becomes the copy. Modes are kept.
     *
     * @throws ContainerException {@code NOT_FOUND} if the container path does not exist
     */
    void download(String containerPath, Path host);

    /** Current resource use. */
    ContainerStats stats();

    /** The processes running now. */
    List<ProcessInfo> processes();

    /** {@code true} until the container is destroyed or has stopped, or this handle is detached. */
    boolean isRunning();

    /**
     * Stops every process (TERM, a grace period, KILL) and removes everything the container had. Idempotent
     * and safe to call from several threads; a container that is gone already is not an error.
     */
    void destroy();

    /**
     * Lets go of this handle without stopping the container: connections are closed, the container goes on
     * (a persistent one until it is destroyed, through {@link ContainerRuntime#open} for instance; any other
     * until its creator ends). Afterwards every operation on this handle fails, and {@link #destroy()} and
     * {@link #close()} do nothing. Idempotent.
     *
     * <p>Use it for a container obtained with {@link ContainerRuntime#open} that another party owns.
     *
     * @implSpec The default refuses with {@code NOT_SUPPORTED}; providers override it.
     * @throws ContainerException {@code NOT_SUPPORTED} if the provider cannot leave a container running
     */
    default void detach() {
        throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "this provider cannot detach from a container without destroying it")
                .operation("Container::detach").containerId(id()).build();
    }

    /** Same as {@link #destroy()} (nothing, after {@link #detach()}). */
    @Override
    void close();
}
