package dev.containerv.spi;

import dev.containerv.api.ContainerProcess;
import dev.containerv.api.Signal;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ContainerProcess} whose {@link Process} behaviour is written once, over a {@link ProcessExit}: a
 * provider's process extends it, records the exit in {@link #exit()} when its platform reports it, and supplies
 * the streams ({@link #getOutputStream()}, {@link #getInputStream()}, {@link #getErrorStream()}), the ids
 * ({@link #pid()}, {@link #containerPid()}, {@link #containerId()}), the words that name it ({@link #describe()})
 * and one primitive, {@link #signal(Signal)}.
 *
 * <p>What it implements, as {@link Process} specifies:
 * <ul>
 * <li>{@link #waitFor()}, {@link #waitFor(long, TimeUnit)}, {@link #exitValue()} (whose
 *     {@link IllegalThreadStateException} names the process), {@link #isAlive()} and {@link #onExit()} (one future,
 *     completed with this process) read the {@link ProcessExit}; where the provider recorded a failure with
 *     {@link ProcessExit#fail}, the process counts as alive and those reads throw it;
 * <li>{@link #kill(Signal)} of a process whose exit is recorded does nothing, as {@link ContainerProcess#kill}
 *     promises; otherwise it calls {@link #signal(Signal)};
 * <li>{@link #destroy()} and {@link #destroyForcibly()} do nothing when the exit is recorded, and never throw:
 *     a failure of the signal is logged ({@code WARNING}, logger {@code dev.containerv.spi.AbstractContainerProcess})
 *     and swallowed, since {@code Process.destroy()} has no way to report one. {@code destroy()} sends
 *     {@link Signal#TERM} when {@link #supportsNormalTermination()} (true unless overridden), else {@link Signal#KILL};
 *     {@code destroyForcibly()} sends {@link Signal#KILL};
 * <li>{@link #toString()}: the class name, {@link #describe()} and the exit value or "running".
 * </ul>
 * {@link #pid()} and {@link #toHandle()} keep {@link Process}'s defaults (which throw
 * {@link UnsupportedOperationException}) unless the subclass overrides them. Thread-safe as far as the subclass is.
 */
public abstract class AbstractContainerProcess extends ContainerProcess {
    private static final System.Logger LOG = System.getLogger(AbstractContainerProcess.class.getName());

    private final ProcessExit exit;
    private final CompletableFuture<Process> onExit;

    /** For providers; the process starts with its exit not recorded. */
    protected AbstractContainerProcess() {
        this.exit = new ProcessExit();
        this.onExit = exit.onExit(this);
    }

    /** Where the provider records the exit value (or the failure to learn it); every read above goes to it. */
    protected final ProcessExit exit() {
        return exit;
    }

    /**
     * The kill primitive: delivers {@code signal} to the process. Called only while the exit is not recorded, but
     * the process may exit meanwhile, which must not be an error.
     *
     * @throws dev.containerv.api.ContainerException {@code NOT_SUPPORTED} if the guest has no equivalent of the
     *                                               signal, or the platform's failure to deliver it
     */
    protected abstract void signal(Signal signal);

    /**
     * The process in words for messages and {@link #toString()}, such as
     * {@code "process 12 (make) in container build-1"}.
     */
    protected abstract String describe();

    @Override
    public void kill(Signal signal) {
        Objects.requireNonNull(signal, "signal");
        if (exit.isDone()) {
            return;
        }
        signal(signal);
    }

    @Override
    public int waitFor() throws InterruptedException {
        return exit.await();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return exit.await(timeout, unit);
    }

    @Override
    public int exitValue() {
        return exit.valueNow(this::describe);
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return onExit;
    }

    /** {@code true}: {@link #destroy()} sends {@link Signal#TERM}. A provider without it returns {@code false}. */
    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    /**
     * Sends {@link Signal#TERM} (or {@link Signal#KILL} without {@link #supportsNormalTermination()}) unless the
     * process has exited; never throws.
     */
    @Override
    public void destroy() {
        terminate(supportsNormalTermination() ? Signal.TERM : Signal.KILL);
    }

    /** Sends {@link Signal#KILL} unless the process has exited; never throws. */
    @Override
    public Process destroyForcibly() {
        terminate(Signal.KILL);
        return this;
    }

    private void terminate(Signal signal) {
        if (exit.isDone()) {
            return;
        }
        try {
            signal(signal);
        } catch (RuntimeException e) {
            // Process.destroy() cannot report a failure; a process that is gone already is the usual cause.
            LOG.log(System.Logger.Level.WARNING, () -> "destroying " + describe() + ": sending " + signal + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + describe() + (exit.isDone() ? ", exitValue=" + exit.peek().getAsInt() : ", running") + "]";
    }
}
