package dev.containerv.api;

/**
 * A process running in a container. It is a {@link Process}, so everything that takes a {@code Process}
 * takes it: streams, {@link #waitFor()}, {@link #exitValue()}, {@link #onExit()}, {@link #destroy()}.
 *
 * <p>{@link #pid()} is the host's process id, as {@code Process} promises; {@link #containerPid()} is the
 * id inside the container. A death by signal n gives the exit value 128 + n.
 */
public abstract class ContainerProcess extends Process {
    /** For providers. */
    protected ContainerProcess() {
    }

    /** The process id inside the container's process namespace. */
    public abstract long containerPid();

    /**
     * Sends a signal. A process that has exited already is not an error.
     *
     * @throws ContainerException {@code NOT_SUPPORTED} if the guest has no equivalent of the signal
     */
    public abstract void kill(Signal signal);

    /** The id of the container the process runs in. */
    public abstract String containerId();
}
