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
 * and {@link #refill}s for the next create (in the background, {@link #refillInBackground}). Only a start that does not depend on the spec can be prepared: the runtime's
 * own helper, in root mode or rootless with the user's own ids only (a plan with subordinate ids gets its namespace
 * from newuidmap after the plan is read).
 *
 * <p>A standby costs one sleeping process and no thread. Its stdin is the owner pipe, held by this JVM only: when the
 * JVM ends it reads end of file and exits having made nothing. It ends itself when no create has sent it a line within
 * its idle limit ({@link #IDLE}, protocol section 1); a create takes only one younger than half of it, so that a create
 * slow between its take and its line never finds it gone, and discards an older one. At the JVM's orderly exit every
 * held one is discarded and waited for (a hook), so a JVM that ends leaves none behind. Take is atomic: two creates
 * never get the same standby, the second starts its own. Thread-safe.
 */
public final class Standbys {
    private static final System.Logger LOG = System.getLogger(Standbys.class.getName());
    /** How long a standby waits for a create before it ends itself; it is taken only in the first half. */
    static final Duration IDLE = Duration.ofSeconds(60);
    /** The longest id (ContainerSpec) and {@code /<id>/plan} around it. */
    private static final int PLAN_NAME_ROOM = 1 + 64 + "/plan".length();
    private static final Standbys SHARED = new Standbys(IDLE);
    /** {@code -Dcontainerv.linux.standby=false} turns standbys off: every create starts its own supervisor. */
    public static final String PROPERTY = "containerv.linux.standby";

    private record Key(Path helper, boolean usernsSelf) {
    }

    private record Held(EarlyStart start, int room, long startedNanos) {
    }

    private final Duration idle;
    private final Map<Key, Held> held = new HashMap<>();
    /**
     * Runs {@link #refillInBackground}'s starts in order on one thread, which exists only while there is work (it ends
     * after a second without, or when interrupted: issue 18).
     */
    private final IdleTimer starter = new IdleTimer("containerv-standby-start", Duration.ofSeconds(1));
    /** Background starts asked for and not yet done; guarded by {@code this}. */
    private int startsPending;
    private boolean hookAdded;
    private boolean closed;

    Standbys(Duration idle) {
        this.idle = Objects.requireNonNull(idle, "idle");
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
        if (h.room() < planFile.toString().getBytes(StandardCharsets.UTF_8).length || !usable(h)) {
            LOG.log(Level.DEBUG, () -> "discarding the standby of " + helper + ": it has ended, is too old or has no room for " + planFile);
            h.start().discard();
            return Optional.empty();
        }
        LOG.log(Level.DEBUG, () -> "the create of " + planFile + " takes a standby of " + helper);
        return Optional.of(h.start().forPlan(planFile));
    }

    /**
     * Starts a standby for {@code helper} and this mode in the background, with {@code room} for the plan path, unless
     * a usable one is held already (or this JVM is shutting down); one that has ended or is too old is discarded.
     */
    public void refill(Path helper, boolean usernsSelf, int room) {
        Key key = new Key(helper, usernsSelf);
        Held stale;
        synchronized (this) {
            stale = held.get(key);
            if (closed || stale != null && usable(stale)) {
                return;
            }
            if (!hookAdded) {
                hookAdded = true;
                addShutdownHook();
            }
            held.put(key, new Held(EarlyStart.standby(helper, room, usernsSelf, idle), room, System.nanoTime()));
        }
        LOG.log(Level.DEBUG, () -> "starting a standby of " + helper + (usernsSelf ? " in a user namespace of its own" : ""));
        if (stale != null) {
            LOG.log(Level.DEBUG, () -> "discarding the standby of " + helper + ": it has ended or is too old");
            stale.start().discard();
        }
    }

    /**
     * {@link #refill}, on a thread of its own: the start of a process (the JVM's posix_spawn through jspawnhelper, about
     * 0.15 ms) then overlaps the rest of the create that asks for it, instead of preceding it. {@link #discardAll} waits
     * for the starts asked for before it.
     */
    public void refillInBackground(Path helper, boolean usernsSelf, int room) {
        synchronized (this) {
            startsPending++;
        }
        starter.schedule(() -> {
            try {
                refill(helper, usernsSelf, room);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, () -> "cannot start a standby of " + helper + ": " + e);
            } finally {
                synchronized (this) {
                    startsPending--;
                    notifyAll();
                }
            }
        }, Duration.ZERO);
    }

    /** Still starting or waiting, and young enough that it cannot reach its idle limit before the create's line. */
    private boolean usable(Held h) {
        return System.nanoTime() - h.startedNanos() < idle.toNanos() / 2 && !h.start().hasEnded();
    }

    /** Discards every standby held (end of file on its stdin; waits for its exit). Later refills start new ones. */
    public void discardAll() {
        awaitBackgroundStarts();
        List<Held> all;
        synchronized (this) {
            all = new ArrayList<>(held.values());
            held.clear();
        }
        for (Held h : all) {
            LOG.log(Level.DEBUG, () -> "discarding a standby");
            h.start().discard();
        }
    }

    /** Waits until the starts asked for by {@link #refillInBackground} so far have happened. */
    private synchronized void awaitBackgroundStarts() {
        try {
            while (startsPending > 0) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
