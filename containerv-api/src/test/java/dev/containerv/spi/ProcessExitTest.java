package dev.containerv.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessExitTest {
    @Test
    void beforeTheExitNothingIsKnownAndExitValueNamesTheProcess() throws InterruptedException {
        ProcessExit exit = new ProcessExit();
        assertThat(exit.isDone()).isFalse();
        assertThat(exit.peek()).isEmpty();
        assertThat(exit.await(0, TimeUnit.SECONDS)).isFalse();
        assertThat(exit.await(-5, TimeUnit.SECONDS)).isFalse();
        assertThat(exit.await(20, TimeUnit.MILLISECONDS)).isFalse();
        assertThatThrownBy(() -> exit.valueNow(() -> "process 7 (make) in container b1"))
                .isInstanceOf(IllegalThreadStateException.class)
                .hasMessage("process 7 (make) in container b1 has not exited");
    }

    @Test
    void theFirstValueStaysAndEveryReaderSeesIt() throws Exception {
        ProcessExit exit = new ProcessExit();
        Process process = new ProcessBuilder("true").start();
        CompletableFuture<Process> onExit = exit.onExit(process);
        assertThat(onExit).isNotDone();
        assertThat(exit.complete(137)).isTrue();
        assertThat(exit.complete(0)).isFalse();
        assertThat(exit.isDone()).isTrue();
        assertThat(exit.await()).isEqualTo(137);
        assertThat(exit.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(exit.valueNow(() -> "unused")).isEqualTo(137);
        assertThat(exit.peek()).hasValue(137);
        assertThat(onExit.get(1, TimeUnit.SECONDS)).isSameAs(process);
        process.waitFor();
    }

    @Test
    void awaitReturnsWhenAnotherThreadRecordsTheExit() throws Exception {
        ProcessExit exit = new ProcessExit();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return exit.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waiting.await();
        exit.complete(42);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(exit.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aFailureCountsAsRunningAndEveryReadThrowsIt() throws Exception {
        ProcessExit exit = new ProcessExit();
        Process process = new ProcessBuilder("true").start();
        CompletableFuture<Process> onExit = exit.onExit(process);
        IllegalStateException unknown = new IllegalStateException("the platform's wait failed");
        assertThat(exit.fail(unknown)).isTrue();
        assertThat(exit.complete(0)).isFalse();
        assertThat(exit.isDone()).isFalse();
        assertThat(exit.peek()).isEmpty();
        assertThatThrownBy(exit::await).isSameAs(unknown);
        assertThatThrownBy(() -> exit.await(0, TimeUnit.SECONDS)).isSameAs(unknown);
        assertThatThrownBy(() -> exit.valueNow(() -> "unused")).isSameAs(unknown);
        assertThat(onExit).isCompletedExceptionally();
        process.waitFor();
    }
}
