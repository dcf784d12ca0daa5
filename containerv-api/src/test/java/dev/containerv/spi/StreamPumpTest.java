package dev.containerv.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StreamPumpTest {
    static final class Closing extends ByteArrayOutputStream {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void close() {
            closed.set(true);
        }
    }

    static final class ClosingInput extends ByteArrayInputStream {
        final AtomicBoolean closed = new AtomicBoolean();

        ClosingInput(String text) {
            super(text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void copiesEverythingThenClosesBothEnds() throws Exception {
        ClosingInput in = new ClosingInput("hello pump");
        Closing out = new Closing();
        StreamPump p = StreamPump.start("test-pump", in, out);
        p.done().get(10, TimeUnit.SECONDS);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello pump");
        assertThat(in.closed).isTrue();
        assertThat(out.closed).isTrue();
        assertThat(p.failure()).isEmpty();
    }

    @Test
    void keepOpenStreamsAreNotClosed() throws Exception {
        ClosingInput in = new ClosingInput("kept");
        Closing out = new Closing();
        StreamPump.start("test-pump", StreamPump.keepOpen(in), StreamPump.keepOpen(out)).done().get(10, TimeUnit.SECONDS);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("kept");
        assertThat(in.closed).isFalse();
        assertThat(out.closed).isFalse();
    }

    @Test
    void aFailedWriteEndsTheCopyAndIsKept() throws Exception {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        StreamPump p = StreamPump.start("test-pump", new ClosingInput("x"), broken);
        p.done().get(10, TimeUnit.SECONDS);
        assertThat(p.failure()).hasValueSatisfying(e -> assertThat(e).hasMessage("Broken pipe"));
    }

    @Test
    void drainStopsWaitingForAStreamThatStaysOpenAndQuiet() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        InputStream held = new PipedInputStream(writer);
        Closing out = new Closing();
        StreamPump p = StreamPump.start("test-pump", held, out);
        writer.write("early".getBytes(StandardCharsets.UTF_8));
        writer.flush();
        long t0 = System.nanoTime();
        assertThat(p.drain(Duration.ofMillis(300))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("early");
        writer.close();
        assertThat(p.drain(Duration.ofSeconds(10))).isTrue();
        assertThat(out.closed).isTrue();
    }

    @Test
    void aStoppedPumpWritesNothingMore() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        InputStream source = new PipedInputStream(writer);
        Closing out = new Closing();
        StreamPump p = StreamPump.start("test-pump", source, out);
        p.stop();
        writer.write("after the stop".getBytes(StandardCharsets.UTF_8));
        writer.flush();
        p.done().get(10, TimeUnit.SECONDS);
        assertThat(out.size()).isZero();
        assertThat(out.closed).isTrue();
    }

    @Test
    void drainWaitsForBytesThePumpHasNotReadYet() throws Exception {
        // A pump thread not scheduled for longer than the quiet time (a loaded machine) must not lose output that
        // was written before the exit: the source says it holds bytes, so the stream is not quiet.
        java.util.concurrent.CountDownLatch scheduled = new java.util.concurrent.CountDownLatch(1);
        InputStream late = new ByteArrayInputStream("bg started\n".getBytes(StandardCharsets.UTF_8)) {
            private boolean first = true;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (first) {
                    first = false;
                    try {
                        scheduled.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.read(b, off, len);
            }

            @Override
            public int available() {
                return 11 - (int) Math.min(11, pos);
            }
        };
        Closing out = new Closing();
        StreamPump pump = StreamPump.start("late", late, out);
        Thread scheduler = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            scheduled.countDown();
        });
        scheduler.start();

        boolean ended = pump.drain(Duration.ofMillis(50));

        assertThat(ended).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("bg started\n");
        scheduler.join();
    }
}
