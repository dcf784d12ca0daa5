package dev.containerv.windows.hcs;

import java.time.Duration;
import dev.containerv.spi.IdleTimer;

import java.util.function.Consumer;

/**
 * How long an HCS call that has no timeout of its own may take ({@code -Dcontainerv.windows.timeout.call}
 * seconds, 60 by default). computecore.dll calls wait at most that long (the operation's timeout). vmcompute.dll
 * calls are synchronous and cannot be ended from Java, so a call still running after the bound is reported, a
 * WARNING naming the call, as hcsshim's syscall watcher does, and the caller learns why it waits.
 */
public final class CallTimeouts {
    /** The system property, in whole seconds. */
    public static final String PROPERTY = "containerv.windows.timeout.call";
    private static final System.Logger LOG = System.getLogger(CallTimeouts.class.getName());
    /** One daemon thread while calls are watched; it ends 2 s after the last one returned, or when interrupted. */
    private static final IdleTimer WATCHER = new IdleTimer("containerv-hcs-call-watch", Duration.ofSeconds(2));

    private final Duration call;
    private final Consumer<String> warn;

    /** A bound of {@code call}, reporting a call that outlasts it to {@code warn}. */
    public CallTimeouts(Duration call, Consumer<String> warn) {
        this.call = call;
        this.warn = warn;
    }

    /** From {@value #PROPERTY} (60 s when unset or not a whole number), warnings logged. */
    public static CallTimeouts fromProperties() {
        String v = System.getProperty(PROPERTY);
        Duration d = Duration.ofSeconds(60);
        if (v != null) {
            try {
                d = Duration.ofSeconds(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                LOG.log(System.Logger.Level.WARNING, "-D" + PROPERTY + "=" + v + " is not a whole number of seconds; using 60");
            }
        }
        return new CallTimeouts(d, m -> LOG.log(System.Logger.Level.WARNING, m));
    }

    /** The bound. */
    public Duration call() {
        return call;
    }

    /** One watched call: closing it ends the watch. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** Starts watching a call named {@code what}: a warning if it has not returned after {@link #call()}. */
    public Watch watch(String what) {
        IdleTimer.Scheduled alarm = WATCHER.schedule(() -> warn.accept(what + " has not returned after " + call.toMillis()
                + " ms: the Host Compute Service may hang (a vmcompute.dll call cannot be ended; it is still waited for)"),
                call);
        return alarm::cancel;
    }
}
