package dev.containerv.linux.runtime;

import dev.containerv.linux.control.ControlConnection;
import dev.containerv.linux.control.SocketOutputStream;
import dev.containerv.linux.control.Wire;

import dev.containerv.api.ContainerProcess;
import dev.containerv.api.Signal;
import dev.containerv.spi.ProcessExit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A process in a Linux container: a {@link Process} over the control connection (spawn, kill, the pushed
 * EXITED) and one socket per piped stream. Thread-safe.
 */
public final class LinuxContainerProcess extends ContainerProcess implements ControlConnection.Receiver {
    private static final System.Logger LOG = System.getLogger(LinuxContainerProcess.class.getName());

    private final LinuxContainer container;
    private final String program;
    final CompletableFuture<Wire.Message> spawnAnswer = new CompletableFuture<>();
    private final ProcessExit exit = new ProcessExit();
    private final CompletableFuture<Process> onExit = exit.onExit(this);
    private final List<CompletableFuture<Void>> outputPumps = new ArrayList<>();
    private volatile long containerPid = -1;
    private volatile long hostPid = -1;
    private OutputStream stdin = OutputStream.nullOutputStream();
    private InputStream stdout = InputStream.nullInputStream();
    private InputStream stderr = InputStream.nullInputStream();

    LinuxContainerProcess(LinuxContainer container, String program) {
        this.container = container;
        this.program = program;
    }

    // ---- wiring, before the SPAWN is sent ----

    void pipeStdin(SocketChannel ch) {
        stdin = new SocketOutputStream(ch);
    }

    void pipeStdout(SocketChannel ch) {
        stdout = new BufferedInputStream(Channels.newInputStream(ch), 65536);
    }

    void pipeStderr(SocketChannel ch) {
        stderr = new BufferedInputStream(Channels.newInputStream(ch), 65536);
    }

    /** An output served by the JVM (file, inherit): the exit is reported only once it has drained. */
    void addOutputPump(CompletableFuture<Void> pump) {
        outputPumps.add(pump);
    }

    // ---- ControlConnection.Receiver ----

    @Override
    public void answer(Wire.Message message) {
        if (message instanceof Wire.Spawned s) {
            containerPid = s.pid();
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

    private void finish(int value) {
        if (outputPumps.isEmpty()) {
            exit.complete(value);
        } else {
            CompletableFuture.allOf(outputPumps.toArray(new CompletableFuture<?>[0])).whenComplete((v, t) -> exit.complete(value));
        }
    }

    // ---- Process ----

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
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
    public CompletableFuture<Process> onExit() {
        return onExit;
    }

    @Override
    public int exitValue() {
        return exit.valueNow(() -> "process " + containerPid + " (" + program + ") in container " + container.id());
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public void destroy() {
        quietKill(Signal.TERM);
    }

    @Override
    public Process destroyForcibly() {
        quietKill(Signal.KILL);
        return this;
    }

    private void quietKill(Signal signal) {
        try {
            kill(signal);
        } catch (RuntimeException e) {
            // Process.destroy() does not throw; the container being gone means the process is too.
            LOG.log(System.Logger.Level.DEBUG, () -> "kill " + signal + " of " + containerPid + " in " + container.id() + ": " + e.getMessage());
        }
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public void kill(Signal signal) {
        if (exit.isDone()) {
            return;
        }
        container.kill(this, signal);
    }

    /**
     * The host pid, found once through the init's children (or a scan of the container's pid namespace)
     * and cached.
     *
     * @throws UnsupportedOperationException if the process is gone before its host pid was ever asked for
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

    @Override
    public String toString() {
        return "LinuxContainerProcess[container=" + container.id() + ", pid=" + containerPid + ", program=" + program
                + (exit.isDone() ? ", exitValue=" + exit.peek().getAsInt() : ", running") + "]";
    }
}
