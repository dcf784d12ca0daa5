package dev.containerv.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
     * Runs a process to its end and captures both streams (its standard input is empty).
     *
     * @throws ContainerException as {@link #spawn}
     */
    ExecResult exec(ProcessSpec process);

    /**
     * Like {@link #exec(ProcessSpec)} but kills the process and throws {@code TIMEOUT} if it runs longer
     * than {@code timeout}.
     */
    ExecResult exec(ProcessSpec process, Duration timeout);

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

    /** {@code true} until the container is destroyed or has stopped. */
    boolean isRunning();

    /**
     * Stops every process (TERM, a grace period, KILL) and removes everything the container had. Idempotent
     * and safe to call from several threads; a container that is gone already is not an error.
     */
    void destroy();

    /** Same as {@link #destroy()}. */
    @Override
    void close();
}
