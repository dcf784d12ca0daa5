package dev.containerv.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs short tasks after a delay (a watchdog that kills a helper running too long, a warning about a call that has
 * not returned) on at most one daemon thread, which exists only while there is work: it is started by the first
 * {@link #schedule}, and it ends once no task has been due for the idle time, or when it is interrupted. So a
 * library that uses one leaves no thread behind when no container needs it, and a host that interrupts and joins the
 * application's threads at its end (such as {@code mvn exec:java}) does not wait for it. There is nothing to shut
 * down.
 *
 * <p>A thread interrupted while tasks are still waiting hands them to a new thread before it ends, so an interrupt
 * never loses a watchdog. A cancelled task is removed at once: it keeps no thread alive. Tasks should be short; one
 * that throws is logged ({@code WARNING}) and the timer goes on. Thread-safe.
 */
public final class IdleTimer {
    private static final System.Logger LOG = System.getLogger(IdleTimer.class.getName());

    private final String name;
    private final long idleNanos;
    private final AtomicLong threads = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private Thread thread;

    /**
     * A timer whose threads are named {@code <name>-<n>} and end after {@code idle} without a task due.
     *
     * @param name such as {@code "containerv-watchdog"}
     */
    public IdleTimer(String name, Duration idle) {
        this.name = Objects.requireNonNull(name, "name");
        this.idleNanos = Objects.requireNonNull(idle, "idle").toNanos();
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("idle must be positive: " + idle);
        }
    }

    /** A task that has been scheduled. */
    public interface Scheduled {
        /** Removes the task unless it has started; {@code true} if it will not run. */
        boolean cancel();

        /** Whether the task has started (or run). */
        boolean hasRun();
    }

    /** Runs {@code task} after {@code delay} on this timer's thread, starting one if there is none. */
    public Scheduled schedule(Runnable task, Duration delay) {
        Objects.requireNonNull(task, "task");
        Task t = new Task(task, System.nanoTime() + Math.max(0, Objects.requireNonNull(delay, "delay").toNanos()), sequence.incrementAndGet());
        synchronized (this) {
            queue.add(t);
            if (thread == null) {
                startThread();
            }
            notifyAll();
        }
        return t;
    }

    /** The number of threads this timer has started so far; for tests. */
    long threadsStarted() {
        return threads.get();
    }

    private void startThread() {
        Thread t = new Thread(this::loop, name + "-" + threads.incrementAndGet());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void loop() {
        Task next;
        while ((next = await()) != null) {
            try {
                next.task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, () -> Thread.currentThread().getName() + ": a scheduled task failed: " + e, e);
            }
        }
    }

    /** The next due task, or {@code null} when this thread should end (idle, or interrupted). */
    private synchronized Task await() {
        long idleSince = System.nanoTime();
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                return retire(true);
            }
            Task head = queue.peek();
            long now = System.nanoTime();
            long waitNanos;
            if (head == null) {
                waitNanos = idleNanos - (now - idleSince);
                if (waitNanos <= 0) {
                    return retire(false);
                }
            } else if (head.due - now <= 0) {
                queue.poll();
                head.started = true;
                return head;
            } else {
                waitNanos = head.due - now;
                idleSince = now;
            }
            try {
                wait(Math.max(1, waitNanos / 1_000_000), 0);
            } catch (InterruptedException e) {
                return retire(true);
            }
        }
    }

    private Task retire(boolean interrupted) {
        thread = null;
        if (interrupted && !queue.isEmpty()) {
            startThread(); // the tasks still waiting are not lost with the interrupted thread
        }
        return null;
    }

    private final class Task implements Scheduled, Comparable<Task> {
        final Runnable task;
        final long due;
        final long seq;
        boolean started;

        Task(Runnable task, long due, long seq) {
            this.task = task;
            this.due = due;
            this.seq = seq;
        }

        @Override
        public boolean cancel() {
            synchronized (IdleTimer.this) {
                if (started) {
                    return false;
                }
                queue.remove(this);
                IdleTimer.this.notifyAll();
                return true;
            }
        }

        @Override
        public boolean hasRun() {
            synchronized (IdleTimer.this) {
                return started;
            }
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due - o.due, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
