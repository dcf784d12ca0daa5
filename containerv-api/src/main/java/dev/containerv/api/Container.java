package dev.containerv.api;

import dev.containerv.internal.Async;
import dev.containerv.internal.Checks;
import dev.containerv.spi.DestroyGrace;

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
     * Copies a host file or directory tree into the container, by the rule of {@code cp -r} and {@code docker cp}
     * (the same for {@link #download} in the other direction, and for {@code containerv cp}):
     * <table class="striped">
     * <caption>Where the copy goes</caption>
     * <thead><tr><th>source</th><th>{@code containerPath} is</th><th>result</th></tr></thead>
     * <tbody>
     * <tr><td>file</td><td>missing</td><td>the file is created at {@code containerPath}</td></tr>
     * <tr><td>file</td><td>a file (or a link)</td><td>replaced by the source (a link is replaced, never written through)</td></tr>
     * <tr><td>file</td><td>an existing directory</td><td>the file is copied into it: {@code containerPath/<name>}</td></tr>
     * <tr><td>directory</td><td>missing</td><td>created with the source's contents</td></tr>
     * <tr><td>directory</td><td>an existing directory</td><td>the directory is copied into it: {@code containerPath/<name>};
     *     if that exists as a directory too, the trees merge (existing files of the same name are replaced)</td></tr>
     * <tr><td>directory</td><td>a file</td><td>{@code INVALID_SPEC}: a directory never replaces a file</td></tr>
     * </tbody>
     * </table>
     * {@code <name>} is the source's last name. The same rules hold inside {@code containerPath/<name>}: a file never
     * replaces a directory there ({@code INVALID_SPEC}). A {@code containerPath} written with a trailing separator
     * ({@code /tmp/out/}) must be an existing directory: the source goes inside it, and a missing one is {@code NOT_FOUND}
     * (unlike {@code docker cp}, which creates it for a directory source). A link at {@code containerPath} is not a
     * directory: it is replaced by a file or link and refused for a directory. The parent of {@code containerPath}
     * must exist ({@code NOT_FOUND}). Modes are kept. A symlink in the container can never redirect the copy to a host
     * path. Symlinks in the source are copied as symlinks with the same target text; devices, FIFOs and sockets are
     * skipped.
     *
     * @throws ContainerException {@code NOT_FOUND} if {@code host} or the destination's parent does not exist,
     *                            {@code INVALID_SPEC} for a bad container path or a file/directory clash
     */
    void upload(Path host, String containerPath);

    /**
     * Copies a container file or directory tree to {@code host}, by the rule of {@link #upload} with the roles
     * swapped: a missing {@code host} becomes the copy, an existing file is replaced (a link at {@code host} is
     * replaced, never followed), and an existing directory receives the copy inside it, as {@code host/<name>}
     * (merged if that directory exists too). Modes are kept, except that setuid and setgid bits are dropped.
     *
     * <p>What a download brings out of a container, whose contents the container's processes chose:
     * <ul>
     * <li>symbolic links are copied as links with the same target text, never followed; an absolute link
     *     ({@code lib -> /usr/lib}) therefore points at the <em>host's</em> {@code /usr/lib} once on the host: treat
     *     downloaded links as untrusted (no copy by containerv follows a host link, so they cannot redirect a later
     *     copy);</li>
     * <li>FIFOs, sockets and device nodes are skipped: nothing is created for them (an inode of those kinds at the top
     *     is skipped too, leaving {@code host} as it was);</li>
     * <li>hard links become separate files.</li>
     * </ul>
     *
     * @implNote Where a provider runs as root, downloaded files belong to the caller, not to the container's owners.
     * @throws ContainerException {@code NOT_FOUND} if the container path or the parent of {@code host} does not exist,
     *                            {@code INVALID_SPEC} for a bad container path or a file/directory clash
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
     * Like {@link #destroy()}, with {@code grace} instead of the provider's default time between TERM and KILL:
     * processes get TERM, and whatever still runs after {@code grace} gets KILL ({@link Duration#ZERO}: KILL at once).
     * A container that is gone already is not an error.
     *
     * @implSpec The default refuses with {@code NOT_SUPPORTED} (a provider never silently ignores the grace);
     *           providers override it.
     * @throws ContainerException {@code INVALID_SPEC} if {@code grace} is negative, {@code NOT_SUPPORTED} if the
     *                            provider cannot choose the grace per destroy
     * @since 0.1
     */
    default void destroyWithGrace(Duration grace) {
        DestroyGrace.check(grace, "KILL at once");
        throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "this provider cannot choose the grace period of a destroy; use destroy()")
                .operation("Container::destroy").containerId(id()).build();
    }

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
