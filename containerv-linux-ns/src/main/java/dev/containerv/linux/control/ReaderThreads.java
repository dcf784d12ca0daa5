package dev.containerv.linux.control;

import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * The threads that read control connections, kept for a short while once their connection has ended: the next
 * connection (a create that follows a destroy) takes a waiting thread instead of starting one, which was 0.05 to 0.1 ms
 * on the create's path. A thread waits {@link #KEEP} for the next connection and ends then, or at once when
 * interrupted: the library leaves no thread behind when no container needs one, and a host that interrupts and joins
 * the application's threads at its end (such as {@code mvn exec:java}) does not wait for it (issue 18). Each thread
 * runs under its connection's name ({@code containerv-control-<name>}) while it serves it. Thread-safe.
 */
final class ReaderThreads {
    /** How long a thread whose connection has ended waits for the next one. */
    static final Duration KEEP = Duration.ofSeconds(1);
    /** The name of a thread waiting for its next connection. */
    static final String IDLE = "containerv-control-idle";

    /** Hands a task to a waiting thread; {@code offer} succeeds only while one is waiting in {@code poll}. */
    private static final SynchronousQueue<Runnable> WAITING = new SynchronousQueue<>();

    private ReaderThreads() {
    }

    /** Runs {@code work} on a waiting thread, or on a new one when none waits. */
    static void run(String name, Runnable work) {
        Runnable named = () -> {
            Thread t = Thread.currentThread();
            t.setName("containerv-control-" + name);
            try {
                work.run();
            } finally {
                t.setName(IDLE);
            }
        };
        if (!WAITING.offer(named)) {
            Thread t = new Thread(() -> serve(named), IDLE);
            t.setDaemon(true);
            t.start();
        }
    }

    private static void serve(Runnable first) {
        Runnable next = first;
        while (next != null) {
            next.run();
            try {
                next = Thread.currentThread().isInterrupted() ? null : WAITING.poll(KEEP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                next = null;
            }
        }
    }
}
