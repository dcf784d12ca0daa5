package dev.containerv.linux;

import dev.containerv.api.Container;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** A container's supervisor found on the host by its plan's path on its command line, not through the provider. */
final class Supervisors {
    private Supervisors() {
    }

    /** The supervisor of container {@code id}, if one runs. */
    static Optional<ProcessHandle> of(String id) {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(h -> h.info().commandLine().orElse("").contains("/" + id + "/plan")).findFirst();
        }
    }

    /**
     * Kills the supervisor of container {@code c} (SIGKILL: it tidies nothing up), waits for its exit, then up to
     * 10 s for the init to die with it (PDEATHSIG).
     *
     * @return the end of that 10 s (a {@link System#nanoTime()}), for the caller's further waits
     */
    static long kill(Container c) throws InterruptedException, ExecutionException, TimeoutException {
        ProcessHandle supervisor = of(c.id()).orElseThrow(() -> new AssertionError("no supervisor of " + c.id() + " runs"));
        supervisor.destroyForcibly();
        supervisor.onExit().get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.isRunning() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return deadline;
    }
}
