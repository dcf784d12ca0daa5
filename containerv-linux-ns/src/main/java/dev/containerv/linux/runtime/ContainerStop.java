package dev.containerv.linux.runtime;

import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.linux.control.ControlConnection;
import dev.containerv.linux.control.Wire;
import dev.containerv.linux.helper.InitLauncher;
import dev.containerv.linux.helper.SupervisorExit;
import dev.containerv.linux.proc.Proc;
import dev.containerv.linux.state.StateFile;
import dev.containerv.linux.state.StatePaths;
import dev.containerv.linux.state.StateStore;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code destroy}: SHUTDOWN with the stop grace (the init TERMs, waits, KILLs), the control connection's end,
 * the supervisor's exit (its cleanup is then done), the init's, and the leftovers removed as a safety net. What
 * is still there afterwards is a {@code PLATFORM_FAILURE} listing it.
 */
final class ContainerStop {
    private static final System.Logger LOG = System.getLogger(ContainerStop.class.getName());

    /**
     * The supervisor's exit codes once it has reaped the init (protocol: clean, cleanup incomplete, abnormal end of the
     * init): the init is gone then, and only the final check looks for it.
     */
    private static final Set<Integer> REAPED_INIT = Set.of(0, 3, 4);

    private ContainerStop() {
    }

    /**
     * @param supervisor the helper process when this JVM made the container, else {@code null}
     * @param graceMs    the time between TERM and KILL, or -1 for the container's own stop grace
     */
    static void stop(String id, StateFile s, StatePaths paths, Process supervisor, ControlConnection control, StateStore store, Proc proc,
                     long graceMs) {
        stopWithGrace(id, s, paths, supervisor, control, store, proc, graceMs < 0 ? s.stopGraceMs() : graceMs);
    }

    private static void stopWithGrace(String id, StateFile s, StatePaths paths, Process supervisor, ControlConnection control, StateStore store,
                                      Proc proc, long graceMs) {
        String op = "linux::Container::destroy";
        List<Exception> problems = new ArrayList<>();
        // Opened while the container runs: the supervisor's cleanup removes the plan.
        SupervisorExit exit = supervisor == null ? SupervisorExit.open(paths.plan()) : null;
        if (control.isOpen()) {
            long req = control.newRequestId();
            try {
                control.request(req, Wire.encode(new Wire.Shutdown(req, graceMs))).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.DEBUG, () -> "SHUTDOWN of " + id + ": " + e);
            }
        }
        Duration patience = Duration.ofMillis(graceMs).plusSeconds(15);
        try {
            control.onClose().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            problems.add(e);
        }
        control.close();
        // Whether the init may still be there: not once the supervisor has ended its watch of the init (it reaps it first).
        boolean initMayLive = true;
        if (supervisor != null) {
            int code = InitLauncher.waitQuietly(supervisor, Duration.ofSeconds(15));
            if (code == Integer.MIN_VALUE) {
                LOG.log(Level.WARNING, () -> "the supervisor of " + id + " did not exit; killing it");
                supervisor.destroyForcibly();
                InitLauncher.waitQuietly(supervisor, Duration.ofSeconds(5));
            }
            initMayLive = !REAPED_INIT.contains(code);
            ContainerCreation.OWNER_PIPES.remove(paths.stateDir().toString());
            try {
                supervisor.getOutputStream().close();
            } catch (IOException e) {
                problems.add(e);
            }
        } else {
            SupervisorExit.Outcome waited = exit == null ? SupervisorExit.Outcome.UNKNOWN : exit.await(Duration.ofSeconds(15));
            LOG.log(Level.DEBUG, () -> "supervisor of " + id + " (pid " + s.supervisorPid() + "), waited for by its plan's lock: " + waited);
            if (waited != SupervisorExit.Outcome.EXITED) {
                awaitGone(s.supervisorPid(), Duration.ofSeconds(15));
            }
        }
        if (initMayLive && proc.alive(s.initPid(), s.initStartTime())) {
            // The supervisor reaps the init before its cleanup; only a killed supervisor leaves it behind.
            awaitGone(s.initPid(), Duration.ofSeconds(5));
        }
        // The container's own state, known to this JVM (its creator), says whether it had a network namespace (a veth);
        // a state read from state.json (an opened container) is not trusted to skip a look.
        boolean mayHaveLink = supervisor == null || s.capabilities().contains(Capability.NETWORK.name());
        List<Exception> left = store.removeLeftovers(paths, mayHaveLink);
        if (!left.isEmpty() || proc.alive(s.initPid(), s.initStartTime())) {
            ContainerException e = ContainerException.builder(ErrorKind.PLATFORM_FAILURE, "container " + id
                    + " could not be removed completely: " + left).operation(op).containerId(id).build();
            left.forEach(e::addSuppressed);
            problems.forEach(e::addSuppressed);
            throw e;
        }
    }

    private static void awaitGone(long pid, Duration timeout) {
        if (pid <= 0) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(h -> {
            try {
                h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.log(Level.DEBUG, () -> "pid " + pid + " still there after " + timeout);
            }
        });
    }
}
