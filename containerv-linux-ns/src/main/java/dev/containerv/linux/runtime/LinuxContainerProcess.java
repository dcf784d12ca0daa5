package dev.containerv.linux.runtime;

import dev.containerv.api.Signal;
import dev.containerv.linux.control.ControlConnection;
import dev.containerv.linux.control.Wire;
import dev.containerv.spi.AbstractContainerProcess;
import dev.containerv.spi.LifecycleLog;
import dev.containerv.spi.StdioRedirects;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A process in a Linux container: a {@link Process} over the control connection (spawn, kill, the pushed
 * EXITED) and one socket per piped stream. Waiting, exit value and destroy are the SPI's
 * {@link AbstractContainerProcess}; this class supplies the streams, the ids and the kill primitive. Thread-safe.
 */
public final class LinuxContainerProcess extends AbstractContainerProcess implements ControlConnection.Receiver {
    private static final System.Logger LOG = System.getLogger(LinuxContainerProcess.class.getName());

    private final LinuxContainer container;
    private final String program;
    final CompletableFuture<Wire.Message> spawnAnswer = new CompletableFuture<>();
    private volatile long containerPid = -1;
    private volatile long hostPid = -1;
    private volatile StdioRedirects.ProcessStreams streams;

    private final long spawnedNanos;
    private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

    LinuxContainerProcess(LinuxContainer container, String program, long spawnedNanos) {
        this.container = container;
        this.program = program;
        this.spawnedNanos = spawnedNanos;
    }

    /** Before the SPAWN is sent: the streams this process exposes, and when the JVM-served outputs have drained. */
    void connect(StdioRedirects.ProcessStreams connected) {
        this.streams = connected;
    }

    // ---- ControlConnection.Receiver ----

    @Override
    public void answer(Wire.Message message) {
        if (message instanceof Wire.Spawned s) {
            containerPid = s.pid();
            if (s.hostPid() > 0) {
                hostPid = s.hostPid(); // known at spawn: pid() works after the process has exited too
            }
        }
        spawnAnswer.complete(message);
    }

    @Override
    public void exited(Wire.Exited exited) {
        finish(exited.exitValue());
    }

    @Override
    public void disconnected(IOException cause) {
        if (!spawnAnswer.isDone()) {
            spawnAnswer.completeExceptionally(cause);
            return;
        }
        // The init is gone, and with it every process of the container: PDEATHSIG/namespace teardown kill them.
        LOG.log(System.Logger.Level.DEBUG, () -> "container " + container.id() + " went away before pid " + containerPid + " exited");
        finish(128 + Signal.KILL.number());
    }

    /** The exit is recorded once the outputs the JVM serves (file, inherit) have drained, as for a local process. */
    private void finish(int value) {
        if (finished.compareAndSet(false, true)) {
            LifecycleLog.exited(container.id(), program, containerPid, value, spawnedNanos);
        }
        StdioRedirects.ProcessStreams s = streams;
        if (s == null) {
            exit().complete(value);
        } else {
            s.outputsServed().whenComplete((v, t) -> exit().complete(value));
        }
    }

    // ---- Process ----

    @Override
    public OutputStream getOutputStream() {
        StdioRedirects.ProcessStreams s = streams;
        return s == null ? OutputStream.nullOutputStream() : s.stdin();
    }

    @Override
    public InputStream getInputStream() {
        StdioRedirects.ProcessStreams s = streams;
        return s == null ? InputStream.nullInputStream() : s.stdout();
    }

    @Override
    public InputStream getErrorStream() {
        StdioRedirects.ProcessStreams s = streams;
        return s == null ? InputStream.nullInputStream() : s.stderr();
    }

    @Override
    protected void signal(Signal signal) {
        container.kill(this, signal);
    }

    @Override
    protected String describe() {
        return "process " + containerPid + " (" + program + ") in container " + container.id();
    }

    /**
     * The host pid: reported by the helper in its answer to the spawn, so it is known also after the process has
     * exited. Only a helper that could not tell it (an older one) leaves it to a lookup through the init's children
     * (or a scan of the container's pid namespace) at the first call, cached.
     *
     * @throws UnsupportedOperationException if the helper did not report it and the process is gone before the first call
     */
    @Override
    public long pid() {
        long h = hostPid;
        if (h < 0) {
            h = container.hostPidOf(containerPid);
            if (h < 0) {
                throw new UnsupportedOperationException("LinuxContainerProcess: the host pid of container pid " + containerPid
                        + " in container " + container.id() + " is unknown: the process has exited before pid() was first called");
            }
            hostPid = h;
        }
        return h;
    }

    @Override
    public ProcessHandle toHandle() {
        long h = pid();
        return ProcessHandle.of(h).orElseThrow(() -> new UnsupportedOperationException(
                "LinuxContainerProcess: no ProcessHandle for host pid " + h + " of container " + container.id() + ": the process has exited"));
    }

    @Override
    public long containerPid() {
        return containerPid;
    }

    @Override
    public String containerId() {
        return container.id();
    }
}
