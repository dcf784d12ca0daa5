package dev.containerv.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleTimerTest {
    private static Optional<Thread> thread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(name + "-") && t.isAlive()).findFirst();
    }

    @Test
    void runsATaskAfterItsDelayAndItsThreadEndsWhenIdle() throws Exception {
        IdleTimer timer = new IdleTimer("idle-timer-test-a", Duration.ofMillis(200));
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();
        IdleTimer.Scheduled s = timer.schedule(ran::countDown, Duration.ofMillis(100));
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(s.hasRun()).isTrue();
        assertThat(s.cancel()).isFalse();
        Thread t = thread("idle-timer-test-a").orElse(null);
        if (t != null) {
            t.join(2000);
            assertThat(t.isAlive()).as("the timer's thread ends once idle").isFalse();
        }
        // A later task starts a new thread.
        CountDownLatch again = new CountDownLatch(1);
        timer.schedule(again::countDown, Duration.ZERO);
        assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(timer.threadsStarted()).isEqualTo(2);
    }

    @Test
    void aCancelledTaskNeverRunsAndKeepsNoThreadAlive() throws Exception {
        IdleTimer timer = new IdleTimer("idle-timer-test-b", Duration.ofMillis(100));
        AtomicInteger runs = new AtomicInteger();
        IdleTimer.Scheduled s = timer.schedule(runs::incrementAndGet, Duration.ofSeconds(30));
        Thread t = thread("idle-timer-test-b").orElseThrow();
        assertThat(s.cancel()).isTrue();
        t.join(2000);
        assertThat(t.isAlive()).as("a cancelled 30 s task does not keep the thread").isFalse();
        assertThat(runs).hasValue(0);
        assertThat(s.hasRun()).isFalse();
    }

    @Test
    void anInterruptEndsTheThreadAndAWaitingTaskStillRuns() throws Exception {
        IdleTimer timer = new IdleTimer("idle-timer-test-c", Duration.ofSeconds(60));
        CountDownLatch ran = new CountDownLatch(1);
        timer.schedule(ran::countDown, Duration.ofMillis(500));
        Thread t = thread("idle-timer-test-c").orElseThrow();
        t.interrupt();
        t.join(2000);
        assertThat(t.isAlive()).as("an interrupted timer thread ends").isFalse();
        assertThat(ran.await(5, TimeUnit.SECONDS)).as("the task is run by a successor").isTrue();
        Thread successor = thread("idle-timer-test-c").orElseThrow();
        successor.interrupt();
        successor.join(2000);
        assertThat(successor.isAlive()).as("an idle thread ends on interrupt, leaving no successor").isFalse();
        assertThat(thread("idle-timer-test-c")).isEmpty();
    }

    @Test
    void aFailingTaskDoesNotStopTheTimer() throws Exception {
        IdleTimer timer = new IdleTimer("idle-timer-test-d", Duration.ofMillis(500));
        timer.schedule(() -> {
            throw new IllegalStateException("boom");
        }, Duration.ZERO);
        CountDownLatch ran = new CountDownLatch(1);
        timer.schedule(ran::countDown, Duration.ofMillis(50));
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
