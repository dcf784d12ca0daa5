package dev.containerv.windows.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.Signal;
import dev.containerv.spi.AbstractContainerProcess;
import dev.containerv.spi.StdioRedirects;
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
 * A process in a Windows container: an {@link AbstractContainerProcess} over an {@code HCS_PROCESS}. A daemon
 * thread waits for the exit (HcsWaitForProcessExit, or polling where the host lacks it), then closes the HCS
 * handle; the streams stay readable until closed. {@code destroy()} never throws (the toolkit's contract).
 *
 * <p>The exit code is taken only from a ProcessStatus that says {@code Exited} with {@code LastWaitResult} 0
 * (or absent). If the wait fails, or the status does not say so, the process may still run: {@link #waitFor()},
 * {@link #waitFor(long, TimeUnit)} and {@link #exitValue()} throw a {@code PLATFORM_FAILURE}
 * {@link ContainerException}, {@link #onExit()} completes with it, {@link #isAlive()} stays {@code true}, and
 * the handle stays open (so {@link #kill} still works) until the container is destroyed. Thread-safe.
 */
public final class HcsContainerProcess extends AbstractContainerProcess {
    private static final System.Logger LOG = System.getLogger(HcsContainerProcess.class.getName());
    /** How long one exit wait lasts before the waiter checks whether destroy asked it to stop. */
    static final Duration WAIT_SLICE = Duration.ofMillis(500);

    private final HcsApi hcs;
    private final String containerId;
    private final HcsProcess process;
    private final OpenProcessHandle handle;
    private final boolean hostPids;
    private final StdioRedirects.ProcessStreams streams;
    private final CountDownLatch waiterReturned = new CountDownLatch(1);
    private volatile boolean stopWaiting;

    /** Starts the exit waiter; the exit is recorded once the outputs the JVM serves ({@code streams}) are written. */
    HcsContainerProcess(HcsApi hcs, String containerId, OpenProcessHandle handle, boolean hostPids, StdioRedirects.ProcessStreams streams) {
        this.hcs = hcs;
        this.containerId = containerId;
        this.handle = handle;
        this.process = handle.process();
        this.hostPids = hostPids;
        this.streams = streams;
        CompletableFuture<Void> outputsDrained = streams.outputsServed();
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
     * wait returned (closing it while HCS waits on it crashes computecore.dll, as hcsshim documents). A thread inside
     * the native wait does not see an interrupt, so it is looked at between slices: an interrupted waiter ends.
     */
    private String waitForExit() {
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new HcsException("HcsWaitForProcessExit", HResult.fromWin32(HResult.ERROR_CANCELLED), "the exit waiter was interrupted");
            }
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
                outputsDrained.whenComplete((v, t) -> exit().complete(128 + Signal.KILL.number()));
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
        outputsDrained.whenComplete((v, t) -> exit().complete(code));
    }

    /** The wait failed: the process may still run, so its handle stays open until the container's destroy. */
    private void failed(ContainerException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "waiting for process " + process.processId() + " of " + containerId + ": " + e.getMessage());
        exit().fail(e);
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
        for (AutoCloseable c : new AutoCloseable[] {streams.stdin(), streams.stdout(), streams.stderr(), process.stdin(), process.stdout(), process.stderr()}) {
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

    /** INT→CtrlC, QUIT→CtrlBreak, HUP→CtrlClose, TERM→CtrlShutdown (terminate if refused), KILL→terminate. */
    @Override
    protected void signal(Signal signal) {
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
        return streams.stdin();
    }

    @Override
    public InputStream getInputStream() {
        return streams.stdout();
    }

    @Override
    public InputStream getErrorStream() {
        return streams.stderr();
    }

    @Override
    protected String describe() {
        return "process " + process.processId() + " in container " + containerId;
    }
}
