package dev.containerv.spi;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

/**
 * The lifecycle events every provider reports, at {@code DEBUG} on one logger, {@value #LOGGER}, each with how long it
 * took: create, spawn, the exit of a process with its code, copy, destroy. One logger for all providers, so one line of
 * logging configuration shows them (with SLF4J's JDK platform logging bridge, or {@code java.util.logging} at
 * {@code FINE}). A provider calls these where the event is complete; each is a no-op when DEBUG is off.
 *
 * <pre>
 * created container build-42 (linux-ns) in 14 ms
 * spawned [make, -j2] as pid 7 in container build-42 in 2 ms
 * process 7 [make, -j2] in container build-42 exited with 0 after 5231 ms
 * copied host /home/me/patches to container build-42:/tmp/patches in 3 ms
 * destroyed container build-42 in 9 ms
 * </pre>
 */
public final class LifecycleLog {
    /** The logger's name. */
    public static final String LOGGER = "dev.containerv.lifecycle";
    private static final System.Logger LOG = System.getLogger(LOGGER);

    private LifecycleLog() {
    }

    /** {@link System#nanoTime()}, for the start of an event. */
    public static long start() {
        return System.nanoTime();
    }

    /** Whether the events are logged; for a provider that would compute something only for them. */
    public static boolean enabled() {
        return LOG.isLoggable(Level.DEBUG);
    }

    /** A container was created by {@code provider}. */
    public static void created(String provider, String containerId, long startNanos) {
        log(startNanos, () -> "created container " + containerId + " (" + provider + ")");
    }

    /** A process was spawned; {@code containerPid} as the container sees it. */
    public static void spawned(String containerId, List<String> command, long containerPid, long startNanos) {
        log(startNanos, () -> "spawned " + command + " as pid " + containerPid + " in container " + containerId);
    }

    /** A process exited with {@code exitCode} (128 + n for a death by signal n), {@code startNanos} from its spawn. */
    public static void exited(String containerId, String program, long containerPid, int exitCode, long startNanos) {
        if (enabled()) {
            LOG.log(Level.DEBUG, "process " + containerPid + " (" + program + ") in container " + containerId + " exited with " + exitCode
                    + " after " + millis(startNanos) + " ms");
        }
    }

    /** A copy ended; {@code what} names both ends, such as {@code "host /a to container c1:/b"}. */
    public static void copied(String what, long startNanos) {
        log(startNanos, () -> "copied " + what);
    }

    /** A container was destroyed. */
    public static void destroyed(String containerId, long startNanos) {
        log(startNanos, () -> "destroyed container " + containerId);
    }

    private static void log(long startNanos, java.util.function.Supplier<String> event) {
        if (enabled()) {
            LOG.log(Level.DEBUG, event.get() + " in " + millis(startNanos) + " ms");
        }
    }

    private static long millis(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
