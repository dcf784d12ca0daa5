package dev.containerv.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code ...Async} default methods of {@link Container} and {@link ContainerRuntime}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AsyncTest {
    /** A container whose exec answers after {@code latch}, on the calling thread, recording it. */
    static final class FakeContainer implements Container {
        final AtomicReference<Thread> execThread = new AtomicReference<>();
        final AtomicReference<Duration> timeout = new AtomicReference<>();
        final AtomicBoolean destroyed = new AtomicBoolean();
        final CountDownLatch latch;

        FakeContainer(CountDownLatch latch) {
            this.latch = latch;
        }

        @Override
        public ExecResult exec(ProcessSpec process, Duration t) {
            execThread.set(Thread.currentThread());
            timeout.set(t);
            try {
                latch.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (process.command().get(0).equals("fail")) {
                throw ContainerException.builder(ErrorKind.NOT_FOUND, "program fail not found").build();
            }
            return new ExecResult(0, String.join(" ", process.command()), "");
        }

        @Override
        public ExecResult exec(ProcessSpec process) {
            return exec(process, null);
        }

        @Override
        public String id() {
            return "fake";
        }

        @Override
        public ContainerSpec spec() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ContainerProcess spawn(ProcessSpec process) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void upload(Path host, String containerPath) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void download(String containerPath, Path host) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ContainerStats stats() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ProcessInfo> processes() {
            return List.of();
        }

        @Override
        public boolean isRunning() {
            return !destroyed.get();
        }

        @Override
        public void destroy() {
            destroyed.set(true);
        }

        @Override
        public void close() {
            destroy();
        }
    }

    static final class FakeRuntime implements ContainerRuntime {
        final FakeContainer made;

        FakeRuntime(FakeContainer made) {
            this.made = made;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public GuestOs guestOs() {
            return GuestOs.LINUX;
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public Set<RuntimeFeature> features() {
            return Set.of();
        }

        @Override
        public Container create(ContainerSpec spec) {
            try {
                made.latch.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (spec.id().equals("taken")) {
                throw ContainerException.builder(ErrorKind.ALREADY_EXISTS, "container taken exists").build();
            }
            return made;
        }

        @Override
        public Container open(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> list() {
            return List.of();
        }
    }

    @Test
    void execAsyncRunsOnTheGivenExecutorWithTheTimeout() throws Exception {
        FakeContainer c = new FakeContainer(new CountDownLatch(0));
        AtomicReference<Thread> ran = new AtomicReference<>();
        Executor executor = task -> {
            Thread t = new Thread(task, "caller-pool-1");
            ran.set(t);
            t.start();
        };
        ExecResult r = c.execAsync(ProcessSpec.of("make", "test"), Duration.ofSeconds(5), executor).get();
        assertThat(r.stdout()).isEqualTo("make test");
        assertThat(c.execThread.get()).isSameAs(ran.get());
        assertThat(c.timeout.get()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void execAsyncWithoutAnExecutorDoesNotBlockTheCallerAndLeavesNoThread() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        FakeContainer c = new FakeContainer(go);
        CompletableFuture<ExecResult> f = c.execAsync(ProcessSpec.of("true"));
        assertThat(f).isNotDone();
        go.countDown();
        assertThat(f.get().exitCode()).isZero();
        Thread t = c.execThread.get();
        assertThat(t.getName()).startsWith("containerv-async-");
        assertThat(t.isDaemon()).isTrue();
        t.join(5000);
        assertThat(t.isAlive()).as("the thread ends with the call").isFalse();
    }

    @Test
    void aFailureCompletesTheFutureWithTheContainerExceptionItself() {
        FakeContainer c = new FakeContainer(new CountDownLatch(0));
        CompletableFuture<ExecResult> f = c.execAsync(ProcessSpec.of("fail"));
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ContainerException.class)
                .hasMessageContaining("program fail not found");
    }

    @Test
    void createAsyncGivesTheContainerAndAContainerMadeAfterACancelIsDestroyed() throws Exception {
        FakeRuntime rt = new FakeRuntime(new FakeContainer(new CountDownLatch(0)));
        ContainerSpec spec = ContainerSpec.builder().id("box").rootfs(Path.of("/r")).build();
        assertThat(rt.createAsync(spec, Runnable::run).get()).isSameAs(rt.made);

        CountDownLatch go = new CountDownLatch(1);
        FakeRuntime slow = new FakeRuntime(new FakeContainer(go));
        CompletableFuture<Container> f = slow.createAsync(spec);
        assertThat(f.cancel(true)).isTrue();
        go.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!slow.made.destroyed.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(slow.made.destroyed).as("nobody can reach it: destroyed").isTrue();

        CompletableFuture<Container> taken = rt.createAsync(ContainerSpec.builder().id("taken").rootfs(Path.of("/r")).build());
        assertThatThrownBy(taken::join).cause().isInstanceOf(ContainerException.class).hasMessageContaining("taken");
    }

    @Test
    void nullsAreInvalidSpec() {
        FakeContainer c = new FakeContainer(new CountDownLatch(0));
        assertThatThrownBy(() -> c.execAsync(null)).isInstanceOf(ContainerException.class).hasMessageContaining("process");
        assertThatThrownBy(() -> c.execAsync(ProcessSpec.of("x"), null, null)).isInstanceOf(ContainerException.class).hasMessageContaining("executor");
    }
}
