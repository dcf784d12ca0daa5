package dev.containerv.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
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
    @org.junit.jupiter.api.Timeout(30)
    void drainEndsTheCopyOfAStreamThatStaysOpenAndQuiet() throws Exception {
        // A pipe behind a buffer, like the socket a container process's output comes through (Linux's Spawner): its
        // close ends a read that waits; its available() waits behind that read, so drain must not ask it.
        Pipe pipe = Pipe.open();
        OutputStream writer = Channels.newOutputStream(pipe.sink());
        Closing out = new Closing();
        StreamPump p = StreamPump.start("test-pump", new java.io.BufferedInputStream(Channels.newInputStream(pipe.source()), 65536), out);
        writer.write("early".getBytes(StandardCharsets.UTF_8));
        writer.flush();
        long t0 = System.nanoTime();
        assertThat(p.drain(Duration.ofMillis(300))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("early");
        assertThat(p.done()).as("the copy ended with the drain").isDone();
        assertThat(out.closed).isTrue();
        assertThat(p.failure()).as("a close by the drain is no failure").isEmpty();
        writer.close();
    }

    /**
     * The lost-output race: a read that waited has just taken the last bytes the process wrote, and the pump thread
     * is not scheduled again for longer than the quiet time (a loaded machine). Those bytes are neither in the source
     * nor marked as activity; drain must not give up on them. The source here takes the bytes and then holds the
     * pump thread, as a late scheduler would, before its read returns.
     */
    @Test
    void drainWritesTheBytesAWaitingReadTookBeforeItsThreadRunsOn() throws Exception {
        java.util.concurrent.CountDownLatch scheduled = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        byte[] last = "last words\n".getBytes(StandardCharsets.UTF_8);
        InputStream socketLike = new InputStream() {
            private boolean taken;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (!taken) {
                    taken = true;
                    System.arraycopy(last, 0, b, off, last.length); // taken from the source...
                    awaitQuietly(scheduled); // ...and the thread not scheduled again until later
                    return last.length;
                }
                awaitQuietly(closed); // open and quiet, as a background process holds it, until closed
                throw new IOException("Stream closed");
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        Closing out = new Closing();
        StreamPump pump = StreamPump.start("late-after-read", socketLike, out);
        Thread scheduler = countDownAfter(scheduled, 400);

        boolean ended = pump.drain(Duration.ofMillis(100));

        assertThat(out.toString(StandardCharsets.UTF_8)).as("written when drain returns").isEqualTo("last words\n");
        assertThat(ended).as("the stream stayed open: the drain closed it").isFalse();
        scheduler.join();
    }

    /** A source whose close does not end a read that waits is given up a number of quiet periods after the close. */
    @Test
    void aSourceWhoseCloseDoesNotEndItsReadIsGivenUp() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        InputStream deafToClose = new PipedInputStream(writer); // its read waits on while the writer's thread lives
        Closing out = new Closing();
        StreamPump p = StreamPump.start("test-pump", deafToClose, out);
        writer.write("early".getBytes(StandardCharsets.UTF_8));
        writer.flush();
        long t0 = System.nanoTime();
        assertThat(p.drain(Duration.ofMillis(50))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(50 + 50 * StreamPump.RELEASE_QUIETS - 20),
                Duration.ofSeconds(5));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("early");
        writer.close();
        p.done().get(10, TimeUnit.SECONDS);
        assertThat(out.closed).isTrue();
    }

    /** A started thread that counts {@code latch} down after {@code millis}: the late scheduling of a pump thread. */
    private static Thread countDownAfter(java.util.concurrent.CountDownLatch latch, long millis) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            latch.countDown();
        });
        t.start();
        return t;
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aStoppedPumpWritesNothingMore() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        InputStream source = new PipedInputStream(writer);
        Closing out = new Closing();
        StreamPump p = StreamPump.start("test-pump", source, out);
        p.stop();
        try {
            writer.write("after the stop".getBytes(StandardCharsets.UTF_8));
            writer.flush();
        } catch (IOException e) {
            // The pump saw the stop before this write and has closed its source ("Pipe closed"): as good an outcome.
        }
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
        Thread scheduler = countDownAfter(scheduled, 300);

        boolean ended = pump.drain(Duration.ofMillis(50));

        assertThat(ended).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("bg started\n");
        scheduler.join();
    }
}
