package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Signal;
import dev.containerv.spi.ProcessExit;
import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsApi;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsProcess;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.ProcessStatus;
import dev.containerv.windows.schema.SignalProcessOptions;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A process in a Windows container: a {@link Process} over an {@code HCS_PROCESS}. A daemon thread waits for
 * the exit (HcsWaitForProcessExit, or polling where the host lacks it), then closes the HCS handle; the
 * streams stay readable until closed.
 *
 * <p>The exit code is taken only from a ProcessStatus that says {@code Exited} with {@code LastWaitResult} 0
 * (or absent). If the wait fails, or the status does not say so, the process may still run: {@link #waitFor()},
 * {@link #waitFor(long, TimeUnit)} and {@link #exitValue()} throw a {@code PLATFORM_FAILURE}
 * {@link ContainerException}, {@link #onExit()} completes with it, {@link #isAlive()} stays {@code true}, and
 * the handle stays open (so {@link #kill} still works) until the container is destroyed. Thread-safe.
 */
public final class HcsContainerProcess extends ContainerProcess {
    private static final System.Logger LOG = System.getLogger(HcsContainerProcess.class.getName());
    /** How long one exit wait lasts before the waiter checks whether destroy asked it to stop. */
    static final Duration WAIT_SLICE = Duration.ofMillis(500);

    private final HcsApi hcs;
    private final String containerId;
    private final HcsProcess process;
    private final OpenProcessHandle handle;
    private final boolean hostPids;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final ProcessExit exit = new ProcessExit();
    private final CompletableFuture<Process> onExit = exit.onExit(this);
    private final CountDownLatch waiterReturned = new CountDownLatch(1);
    private volatile boolean stopWaiting;

    HcsContainerProcess(HcsApi hcs, String containerId, OpenProcessHandle handle, boolean hostPids,
                        OutputStream stdin, InputStream stdout, InputStream stderr, CompletableFuture<Void> outputsDrained) {
        this.hcs = hcs;
        this.containerId = containerId;
        this.handle = handle;
        this.process = handle.process();
        this.hostPids = hostPids;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        Thread waiter = new Thread(() -> awaitExit(outputsDrained), "containerv-hcs-wait-" + containerId + "-" + process.processId());
        waiter.setDaemon(true);
        waiter.start();
    }

    private void awaitExit(CompletableFuture<Void> outputsDrained) {
        try {
            awaitExitStatus(outputsDrained);
        } finally {
            waiterReturned.countDown();
        }
    }

    /**
     * Waits in slices, so that the container's destroy can end the wait: the handle is closed only after this
     * wait returned (closing it while HCS waits on it crashes computecore.dll, as hcsshim documents).
     */
    private String waitForExit() {
        while (true) {
            try {
                return hcs.waitForProcessExit(process, WAIT_SLICE);
            } catch (HcsException e) {
                if (e.hresult() != HResult.HCS_E_OPERATION_TIMEOUT || stopWaiting) {
                    throw e;
                }
            }
        }
    }

    private void awaitExitStatus(CompletableFuture<Void> outputsDrained) {
        String op = Errors.op("Process", "waitFor");
        String what = "cannot tell whether process " + process.processId() + " exited";
        ProcessStatus status;
        try {
            status = Json.read(waitForExit(), ProcessStatus.class);
        } catch (HcsException e) {
            if (stopWaiting) {
                // The container's destroy killed the process and ended this wait.
                LOG.log(System.Logger.Level.DEBUG, () -> "waiting for process " + process.processId() + " of " + containerId + " after destroy: " + e.getMessage());
                outputsDrained.whenComplete((v, t) -> exit.complete(128 + Signal.KILL.number()));
                return;
            }
            failed(Errors.platformFailure(op, containerId, what, e));
            return;
        } catch (RuntimeException e) {
            failed(Errors.of(ErrorKind.PLATFORM_FAILURE, op, containerId, what + ": the exit status could not be read: " + e.getMessage(), e));
            return;
        }
        int lastWaitResult = status.lastWaitResult() == null ? 0 : status.lastWaitResult();
        if (!Boolean.TRUE.equals(status.exited()) || lastWaitResult != 0) {
            // ExitCode means something only when Exited is true and LastWaitResult is 0.
            ContainerException.Builder b = ContainerException.builder(ErrorKind.PLATFORM_FAILURE, what + ": HCS returned from the exit wait with a status of Exited "
                    + status.exited() + ", LastWaitResult " + HResult.hex(lastWaitResult)
                    + (lastWaitResult != 0 ? " (" + HResult.info(lastWaitResult).explanation() + ")" : "") + ", so its ExitCode " + status.exitCode() + " is not trusted")
                    .operation(op).containerId(containerId);
            if (lastWaitResult != 0) {
                b.platformCode(HResult.describe(lastWaitResult));
            }
            failed(b.build());
            return;
        }
        closeHandle();
        int code = status.exitCode() == null ? 255 : (int) (long) status.exitCode();
        outputsDrained.whenComplete((v, t) -> exit.complete(code));
    }

    /** The wait failed: the process may still run, so its handle stays open until the container's destroy. */
    private void failed(ContainerException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "waiting for process " + process.processId() + " of " + containerId + ": " + e.getMessage());
        exit.fail(e);
    }

    /**
     * At container destroy (after the kill): ends the exit wait and closes the handle once the waiter returned.
     * A waiter still inside HCS after {@code bound} (HCS hangs) keeps the handle: it is left open, never closed under it.
     */
    void closeHandleAfterWaiter(Duration bound) {
        stopWaiting = true;
        try {
            if (!waiterReturned.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "the exit wait of process " + process.processId() + " of " + containerId
                        + " did not return within " + bound + "; its HCS handle is left open rather than closed under the wait");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        closeHandle();
    }

    /** Closes the HCS handle once (by the waiter at exit, or after it returned). */
    private void closeHandle() {
        handle.close();
    }

    /** Closes the streams, at container destroy. */
    void closeStreams() {
        for (AutoCloseable c : new AutoCloseable[] {stdin, stdout, stderr, process.stdin(), process.stdout(), process.stderr()}) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "closing a stream of process " + process.processId() + ": " + e);
            }
        }
    }

    @Override
    public long containerPid() {
        return process.processId();
    }

    @Override
    public long pid() {
        if (!hostPids) {
            throw new UnsupportedOperationException(getClass().getSimpleName()
                    + ".pid(): a Hyper-V isolated process has no host pid; use containerPid()");
        }
        return process.processId();
    }

    @Override
    public String containerId() {
        return containerId;
    }

    @Override
    public void kill(Signal signal) {
        if (exit.isDone()) {
            return;
        }
        String ctrl = switch (signal) {
            case INT -> "CtrlC";
            case QUIT -> "CtrlBreak";
            case HUP -> "CtrlClose";
            case TERM -> "CtrlShutdown";
            case KILL -> null;
            default -> throw ContainerException.builder(ErrorKind.NOT_SUPPORTED, "signal " + signal
                            + " has no Windows equivalent; accepted: INT (CtrlC), QUIT (CtrlBreak), HUP (CtrlClose), TERM (CtrlShutdown, then terminate), KILL (terminate)")
                    .operation(Errors.op("Process", "kill")).containerId(containerId).build();
        };
        try {
            handle.ifOpen(p -> {
                if (ctrl == null) {
                    terminate(p);
                    return;
                }
                try {
                    hcs.signalProcess(p, Json.write(new SignalProcessOptions(ctrl)));
                } catch (HcsException e) {
                    if (signal != Signal.TERM || gone(e)) {
                        throw e;
                    }
                    // A process without a console cannot take a control event: TERM falls back to terminate.
                    LOG.log(System.Logger.Level.DEBUG, () -> "CtrlShutdown refused (" + e.getMessage() + "); terminating");
                    terminate(p);
                }
            });
        } catch (HcsException e) {
            if (gone(e)) {
                return;
            }
            throw Errors.map(Errors.op("Process", "kill"), containerId, e);
        }
    }

    /** HcsTerminateProcess; ERROR_ACCESS_DENIED is what TerminateProcess answers for a process that ended, as hcsshim reads it. */
    private void terminate(HcsProcess p) {
        try {
            hcs.terminateProcess(p);
        } catch (HcsException e) {
            if (e.hresult() != HResult.fromWin32(HResult.ERROR_ACCESS_DENIED)) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "HcsTerminateProcess: access denied, the process " + p.processId() + " ended already");
        }
    }

    /** The process is gone: stopped, not found, a closed handle, or vmcompute's invalid-state answer to a signal after the exit. */
    private static boolean gone(HcsException e) {
        return e.isAlreadyStopped() || e.isNotExist() || e.hresult() == HResult.fromWin32(HResult.ERROR_INVALID_HANDLE)
                || e.hresult() == HResult.HCS_LEGACY_INVALID_STATE;
    }

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

    /** @throws ContainerException {@code PLATFORM_FAILURE} if the exit could not be established (see the class comment) */
    @Override
    public int waitFor() throws InterruptedException {
        return exit.await();
    }

    /** @throws ContainerException {@code PLATFORM_FAILURE} if the exit could not be established (see the class comment) */
    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return exit.await(timeout, unit);
    }

    /** @throws ContainerException {@code PLATFORM_FAILURE} if the exit could not be established (see the class comment) */
    @Override
    public int exitValue() {
        return exit.valueNow(() -> "process " + process.processId() + " in container " + containerId);
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return onExit;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public void destroy() {
        kill(Signal.TERM);
    }

    @Override
    public Process destroyForcibly() {
        kill(Signal.KILL);
        return this;
    }

    @Override
    public String toString() {
        return "HcsContainerProcess[" + containerId + " pid " + process.processId() + (exit.isDone() ? " exited " + exit.peek().getAsInt() : " running") + "]";
    }
}
