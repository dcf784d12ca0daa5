package dev.containerv.linux.helper;

import dev.containerv.spi.IdleTimer;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Waits for the exit of a supervisor this JVM did not start (a container made by another process): the
 * supervisor holds a read lock on its plan for its whole life (supervisor.c), and the kernel drops it when the
 * process exits, before it is reaped. A write lock on the plan is therefore granted exactly when the supervisor,
 * and with it its cleanup, is done. {@code ProcessHandle.onExit()} of a process that is not our child polls
 * instead, sleeping 300 ms and more between looks, and sees a zombie as alive until its reaper gets to it.
 */
public final class SupervisorExit {
    /** How a wait ended. */
    public enum Outcome {
        /** the lock was granted: the supervisor has exited */
        EXITED,
        /** the plan could not be opened or locked (gone, or locked by this JVM already): the caller polls instead */
        UNKNOWN,
        /** the supervisor still held the lock when the timeout ran out */
        TIMEOUT,
    }

    private final FileChannel plan;

    private SupervisorExit(FileChannel plan) {
        this.plan = plan;
    }

    /**
     * Opens a container's plan for the wait; call it while the container runs (before asking it to stop), since
     * the supervisor's cleanup removes the plan with the state directory.
     *
     * @return the wait, or {@code null} when the plan cannot be opened or nobody holds its lock (the caller then polls)
     */
    public static SupervisorExit open(Path plan) {
        FileChannel ch;
        try {
            ch = FileChannel.open(plan, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        try {
            FileLock free = ch.tryLock(0, Long.MAX_VALUE, false);
            if (free == null) {
                return new SupervisorExit(ch); // held by the supervisor, as it should be
            }
            // Nobody holds it: a supervisor of an older helper (no lock), or one already gone.
        } catch (IOException | OverlappingFileLockException e) {
            // locked by this JVM (another handle's destroy waits on it): nothing to learn from it
        }
        try {
            ch.close();
        } catch (IOException e) {
            // nothing written
        }
        return null;
    }

    /** Blocks until the supervisor has exited or {@code timeout} passed; closes the plan either way. */
    public Outcome await(Duration timeout) {
        IdleTimer.Scheduled watchdog = HelperCommand.WATCHDOG.schedule(this::close, timeout);
        try {
            plan.lock(0, Long.MAX_VALUE, false); // released by the close below
            return Outcome.EXITED;
        } catch (AsynchronousCloseException e) {
            return Outcome.TIMEOUT;
        } catch (IOException | OverlappingFileLockException e) {
            return Outcome.UNKNOWN;
        } finally {
            watchdog.cancel();
            close();
        }
    }

    /** Closes the plan without waiting. */
    public void close() {
        try {
            plan.close();
        } catch (IOException e) {
            // closing a read-write channel we never wrote through: nothing to lose
        }
    }
}
