package dev.containerv.linux.helper;

import dev.containerv.spi.IdleTimer;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Warm standbys: supervisors started before the create that will use them is known ({@link EarlyStart#standby}, protocol
 * section 1), at most one per helper and mode, so that a create's process start (the JVM's posix_spawn through
 * jspawnhelper, and rootless the user namespace and the re-execution inside it) is off its critical path. A create
 * {@link #take}s the one held (even while it is still starting: waiting for it is never slower than a start of its own),
 * and {@link #refill}s for the next create. Only a start that does not depend on the spec can be prepared: the runtime's
 * own helper, in root mode or rootless with the user's own ids only (a plan with subordinate ids gets its namespace
 * from newuidmap after the plan is read).
 *
 * <p>A standby costs one sleeping process. Its stdin is the owner pipe, held by this JVM only: when the JVM ends it
 * reads end of file and exits having made nothing. One not taken within the idle time is discarded; at the JVM's
 * orderly exit every held one is discarded and waited for (a hook), so a JVM that ends leaves none behind. Take is
 * atomic: two creates never get the same standby, the second starts its own. Thread-safe.
 */
public final class Standbys {
    private static final System.Logger LOG = System.getLogger(Standbys.class.getName());
    /** How long a standby waits for a create before it is discarded. */
    static final Duration IDLE = Duration.ofSeconds(30);
    /** The longest id (ContainerSpec) and {@code /<id>/plan} around it. */
    private static final int PLAN_NAME_ROOM = 1 + 64 + "/plan".length();
    private static final Standbys SHARED = new Standbys(IDLE);
    /** {@code -Dcontainerv.linux.standby=false} turns standbys off: every create starts its own supervisor. */
    public static final String PROPERTY = "containerv.linux.standby";

    private record Key(Path helper, boolean usernsSelf) {
    }

    private record Held(EarlyStart start, int room, IdleTimer.Scheduled expiry) {
    }

    private final Duration idle;
    private final IdleTimer timer;
    private final Map<Key, Held> held = new HashMap<>();
    private boolean hookAdded;
    private boolean closed;

    Standbys(Duration idle) {
        this.idle = Objects.requireNonNull(idle, "idle");
        this.timer = new IdleTimer("containerv-standby", Duration.ofSeconds(2));
    }

    /** This JVM's standbys. */
    public static Standbys shared() {
        return SHARED;
    }

    /** Whether creates use standbys ({@link #PROPERTY}, read at each create). */
    public static boolean enabled() {
        return !"false".equals(System.getProperty(PROPERTY));
    }

    /** The room a standby leaves on its command line for the plan path of any container of {@code stateRoot}. */
    public static int roomFor(Path stateRoot) {
        return stateRoot.toString().getBytes(StandardCharsets.UTF_8).length + PLAN_NAME_ROOM;
    }

    /**
     * The standby held for {@code helper} and this mode, now given to the create of {@code planFile} (nobody else gets
     * it); empty when none is held, or the one held has ended or has too little room for the plan's path (it is then
     * discarded).
     */
    public Optional<EarlyStart> take(Path helper, boolean usernsSelf, Path planFile) {
        Held h;
        synchronized (this) {
            h = held.remove(new Key(helper, usernsSelf));
        }
        if (h == null) {
            return Optional.empty();
        }
        h.expiry().cancel();
        if (h.room() < planFile.toString().getBytes(StandardCharsets.UTF_8).length || h.start().hasEnded()) {
            LOG.log(Level.DEBUG, () -> "discarding the standby of " + helper + ": it has ended or has no room for " + planFile);
            h.start().discard();
            return Optional.empty();
        }
        LOG.log(Level.DEBUG, () -> "the create of " + planFile + " takes a standby of " + helper);
        return Optional.of(h.start().forPlan(planFile));
    }

    /**
     * Starts a standby for {@code helper} and this mode in the background, with {@code room} for the plan path, unless
     * one is held already (or this JVM is shutting down). It is discarded if not taken within the idle time.
     */
    public void refill(Path helper, boolean usernsSelf, int room) {
        Key key = new Key(helper, usernsSelf);
        synchronized (this) {
            if (closed || held.containsKey(key)) {
                return;
            }
            if (!hookAdded) {
                hookAdded = true;
                addShutdownHook();
            }
            EarlyStart start = EarlyStart.standby(helper, room, usernsSelf);
            IdleTimer.Scheduled expiry = timer.schedule(() -> expire(key, start), idle);
            held.put(key, new Held(start, room, expiry));
        }
        LOG.log(Level.DEBUG, () -> "starting a standby of " + helper + (usernsSelf ? " in a user namespace of its own" : ""));
    }

    private void expire(Key key, EarlyStart start) {
        synchronized (this) {
            Held h = held.get(key);
            if (h == null || h.start() != start) {
                return;
            }
            held.remove(key);
        }
        LOG.log(Level.DEBUG, () -> "discarding the standby of " + key.helper() + ": not taken within " + idle);
        start.discard();
    }

    /** Discards every standby held (end of file on its stdin; waits for its exit). Later refills start new ones. */
    public void discardAll() {
        List<Held> all;
        synchronized (this) {
            all = new ArrayList<>(held.values());
            held.clear();
        }
        for (Held h : all) {
            h.expiry().cancel();
            LOG.log(Level.DEBUG, () -> "discarding a standby");
            h.start().discard();
        }
    }

    private void addShutdownHook() {
        Thread hook = new Thread(() -> {
            synchronized (this) {
                closed = true;
            }
            discardAll();
        }, "containerv-standby-discard");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: its stdin's end of file at the JVM's exit ends it.
        }
    }
}
