package dev.containerv.windows.sim;

import dev.containerv.windows.hcs.HResult;
import dev.containerv.windows.hcs.HcsException;
import dev.containerv.windows.hcs.HcsProcess;
import dev.containerv.windows.hcs.HcsSystem;
import dev.containerv.windows.schema.Json;
import dev.containerv.windows.schema.ProcessModifyRequest;
import dev.containerv.windows.schema.ProcessParameters;
import dev.containerv.windows.schema.ProcessStatus;
import dev.containerv.windows.schema.SignalProcessOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Simulated HCS processes, run as host processes in the {@link SimulatedGuest}. Strict where HCS is: the host's
 * end of stdin closing does not end the process's stdin (HcsModifyProcess CloseHandle StdIn does); a process handle
 * closed while an exit wait on it is in progress fails the test (hcsshim: computecore.dll crashes); a kill after the
 * exit gets ERROR_ACCESS_DENIED (terminate) or 0xC0370105 (signal); the exit reaches the waits a little after the
 * kernel saw it, or, held ({@link #holdExits()}), only when released.
 */
final class SimulatedProcesses {
    private static final long EXIT_NOTIFICATION_DELAY_MS = 30;

    private final SimCalls calls;
    private final SimulatedGuest guest;
    private final BiFunction<HcsSystem, String, SimSystem> systems;
    private final Map<Long, SimProcess> processes = new ConcurrentHashMap<>();
    private final Map<Long, Integer> waiting = new ConcurrentHashMap<>();
    private final AtomicReference<CountDownLatch> exitHold = new AtomicReference<>();
    private final Deque<UnaryOperator<ProcessStatus>> exitStatusEdits = new ConcurrentLinkedDeque<>();

    /** @param systems the open system of a handle, or the call's failure (named by the second argument) */
    SimulatedProcesses(SimCalls calls, SimulatedGuest guest, BiFunction<HcsSystem, String, SimSystem> systems) {
        this.calls = calls;
        this.guest = guest;
        this.systems = systems;
    }

    void editNextExitStatus(UnaryOperator<ProcessStatus> edit) {
        exitStatusEdits.add(edit);
    }

    void holdExits() {
        exitHold.set(new CountDownLatch(1));
    }

    void releaseExits() {
        CountDownLatch hold = exitHold.getAndSet(null);
        if (hold != null) {
            hold.countDown();
        }
    }

    void killAll() {
        processes.values().forEach(p -> p.process().destroyForcibly());
    }

    void killAllOf(String systemId) {
        processes.values().stream().filter(p -> p.systemId().equals(systemId)).forEach(p -> p.process().destroyForcibly());
    }

    List<SimProcess> live(String systemId) {
        return processes.values().stream().filter(p -> p.systemId().equals(systemId) && p.process().isAlive()).toList();
    }

    Optional<Process> hostProcess(long pid) {
        return processes.values().stream().map(SimProcess::process).filter(x -> x.pid() == pid).findFirst();
    }

    HcsProcess createProcess(HcsSystem s, String parameters) {
        return calls.operation("HcsCreateProcess", () -> {
            SimSystem sys = systems.apply(s, "HcsCreateProcess");
            if (!sys.state.equals("Running")) {
                throw new HcsException("HcsCreateProcess", HResult.HCS_E_INVALID_STATE, "state " + sys.state);
            }
            ProcessParameters p = Json.read(parameters, ProcessParameters.class);
            String cwd = p.workingDirectory() == null ? "C:\\" : p.workingDirectory();
            String hostName = sys.doc.container() != null ? sys.doc.container().guestOs().hostName()
                    : sys.doc.hostedSystem() != null ? sys.doc.hostedSystem().container().guestOs().hostName() : sys.id;
            // What cmd.exe expands in %...%: the given environment, its dynamic %CD%, and the machine name.
            Map<String, String> cmdVariables = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            if (p.environment() != null) {
                cmdVariables.putAll(p.environment());
            }
            cmdVariables.put("CD", cwd);
            cmdVariables.put("COMPUTERNAME", hostName);
            List<String> argv = guest.guestCommand(sys, p.commandLine(), cmdVariables);
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.directory(guest.translate(sys, cwd).toFile());
            // Exactly the given environment, as HCS does: nothing added (programs are found on the JVM's PATH).
            Map<String, String> env = pb.environment();
            env.clear();
            if (p.environment() != null) {
                p.environment().forEach((k, v) -> env.put(k, k.equalsIgnoreCase("PATH") ? guest.hostPath(sys, v) : guest.translateAll(sys, v)));
            }
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                boolean missingDir = !pb.directory().isDirectory();
                throw new HcsException("HcsCreateProcess", HResult.fromWin32(missingDir ? HResult.ERROR_PATH_NOT_FOUND : HResult.ERROR_FILE_NOT_FOUND),
                        "The system cannot find the " + (missingDir ? "path" : "file") + " specified: " + e.getMessage());
            }
            long h = calls.open("process " + process.pid() + " of " + sys.id);
            processes.put(h, new SimProcess(sys.id, process, Path.of(argv.get(0)).getFileName().toString()));
            // As with the real relay, closing the host's end of stdin does not end the process's stdin: HcsModifyProcess does.
            OutputStream hostEnd = new java.io.FilterOutputStream(process.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    try {
                        flush();
                    } catch (IOException gone) {
                        // the process ended: nothing to flush to
                    }
                }
            };
            return new HcsProcess(h, (int) process.pid(), hostEnd, process.getInputStream(), process.getErrorStream());
        });
    }

    private SimProcess process(HcsProcess p, String call) {
        SimProcess sp = processes.get(p.handle());
        if (sp == null || !calls.isOpen(p.handle())) {
            throw new HcsException(call, HResult.fromWin32(HResult.ERROR_INVALID_HANDLE), "process handle closed");
        }
        return sp;
    }

    void signalProcess(HcsProcess p, String options) {
        calls.operation("HcsSignalProcess", () -> {
            SimProcess sp = process(p, "HcsSignalProcess");
            if (!sp.process().isAlive()) {
                // What vmcompute answers for a process that exited: the invalid-state code, not "already stopped".
                throw new HcsException("HcsSignalProcess", HResult.HCS_LEGACY_INVALID_STATE, null);
            }
            Object signal = Json.read(options, SignalProcessOptions.class).signal();
            String posix = switch (String.valueOf(signal)) {
                case "CtrlC" -> "INT";
                case "CtrlBreak" -> "QUIT";
                case "CtrlClose" -> "HUP";
                case "CtrlShutdown", "CtrlLogOff" -> "TERM";
                default -> throw new HcsException("HcsSignalProcess", HResult.E_INVALIDARG, "unknown signal " + signal);
            };
            try {
                new ProcessBuilder("kill", "-" + posix, Long.toString(sp.process().pid())).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                throw new HcsException("HcsSignalProcess", HResult.E_FAIL, e.toString());
            }
            return null;
        });
    }

    void terminateProcess(HcsProcess p) {
        calls.operation("HcsTerminateProcess", () -> {
            SimProcess sp = process(p, "HcsTerminateProcess");
            if (!sp.process().isAlive()) {
                // TerminateProcess on a process that ended fails with ERROR_ACCESS_DENIED (its documentation's remarks).
                throw new HcsException("HcsTerminateProcess", HResult.fromWin32(5), null);
            }
            sp.process().destroyForcibly();
            return null;
        });
    }

    void modifyProcess(HcsProcess p, String settings) {
        calls.operation("HcsModifyProcess", () -> {
            SimProcess sp = process(p, "HcsModifyProcess");
            ProcessModifyRequest request = Json.read(settings, ProcessModifyRequest.class);
            if (!"CloseHandle".equals(request.operation()) || request.closeHandle() == null
                    || !List.of("StdIn", "All").contains(request.closeHandle().handle())) {
                throw new HcsException("HcsModifyProcess", HResult.E_INVALIDARG, "not a CloseHandle request for StdIn: " + settings);
            }
            try {
                sp.process().getOutputStream().close();
            } catch (IOException e) {
                throw new HcsException("HcsModifyProcess", HResult.E_FAIL, e.toString());
            }
            return null;
        });
    }

    private static String status(Process process) {
        return Json.write(new ProcessStatus((int) process.pid(), !process.isAlive(), process.isAlive() ? null : (long) process.exitValue(), 0));
    }

    String getProcessProperties(HcsProcess p) {
        return calls.operation("HcsGetProcessProperties", () -> status(process(p, "HcsGetProcessProperties").process()));
    }

    String waitForProcessExit(HcsProcess p, Duration timeout) {
        SimProcess sp = process(p, "HcsWaitForProcessExit");
        calls.enter("HcsWaitForProcessExit");
        waiting.merge(p.handle(), 1, Integer::sum);
        try {
            long deadline = timeout == null ? System.nanoTime() + Long.MAX_VALUE / 2 : System.nanoTime() + timeout.toNanos();
            if (!NativeWait.until(deadline, left -> sp.process().waitFor(left, TimeUnit.NANOSECONDS))) {
                throw new HcsException("HcsWaitForProcessExit", HResult.HCS_E_OPERATION_TIMEOUT, null);
            }
            // HCS learns of the exit a little later than the kernel: the wait is still in progress meanwhile.
            long notified = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_NOTIFICATION_DELAY_MS));
            NativeWait.until(notified, left -> {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left), (int) (left % 1_000_000));
                return false;
            });
            CountDownLatch hold = exitHold.get();
            if (hold != null && !NativeWait.until(deadline, left -> hold.await(left, TimeUnit.NANOSECONDS))) {
                throw new HcsException("HcsWaitForProcessExit", HResult.HCS_E_OPERATION_TIMEOUT, null);
            }
        } finally {
            waiting.merge(p.handle(), -1, Integer::sum);
        }
        UnaryOperator<ProcessStatus> edit = exitStatusEdits.poll();
        String status = status(sp.process());
        return edit == null ? status : Json.write(edit.apply(Json.read(status, ProcessStatus.class)));
    }

    void closeProcess(HcsProcess p) {
        calls.record("HcsCloseProcess");
        if (waiting.getOrDefault(p.handle(), 0) > 0) {
            // hcsshim: closing a process handle while HcsWaitForProcessExit uses it crashes inside computecore.dll.
            String v = "HcsCloseProcess of process " + p.processId() + " while a wait on its handle is in progress";
            calls.violation(v);
            throw new AssertionError(v);
        }
        calls.close(p.handle());
        processes.remove(p.handle());
    }
}
