package dev.containerv.windows.jna;

import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The pipe streams against a kernel that completes every overlapped I/O later, into the memory it was given. */
class PipeStreamsTest {
    private final SimulatedPipeKernel kernel = new SimulatedPipeKernel();

    @AfterEach
    void noRuleBroken() {
        assertThat(kernel.violations()).isEmpty();
        kernel.shutdown();
    }

    @Test
    void overlappedLayoutIsTheOneOfTheHeaders() {
        assertThat(OverlappedPipe.OVERLAPPED_SIZE).isEqualTo(new WinBase.OVERLAPPED().size());
    }

    @Test
    void readsWhatTheKernelCompletesAfterTheCallReturned() throws Exception {
        HANDLE h = kernel.pipe();
        InputStream in = PipeStreams.input(kernel, h);
        CompletableFuture<byte[]> all = CompletableFuture.supplyAsync(() -> {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] big = new byte[200_000];
        new Random(7).nextBytes(big);
        Thread.sleep(50);
        kernel.feed(h, "hello ".getBytes(StandardCharsets.UTF_8));
        kernel.feed(h, big);
        kernel.end(h);
        byte[] got = all.get(10, TimeUnit.SECONDS);
        assertThat(got.length).isEqualTo(6 + big.length);
        assertThat(new String(got, 0, 6, StandardCharsets.UTF_8)).isEqualTo("hello ");
        assertThat(java.util.Arrays.copyOfRange(got, 6, got.length)).isEqualTo(big);
        in.close();
        assertThat(kernel.openHandles()).isZero();
    }

    @Test
    void writesEveryByteOnce() throws Exception {
        HANDLE h = kernel.pipe();
        byte[] big = new byte[150_000];
        new Random(9).nextBytes(big);
        try (OutputStream out = PipeStreams.output(kernel, h)) {
            out.write(big);
            out.write('!');
        }
        assertThat(kernel.written(h)).hasSize(big.length + 1);
        assertThat(java.util.Arrays.copyOf(kernel.written(h), big.length)).isEqualTo(big);
        assertThat(kernel.openHandles()).isZero();
    }

    @Test
    void closeCancelsABlockedReadInsteadOfWaitingForIt() throws Exception {
        HANDLE h = kernel.pipe();
        InputStream in = PipeStreams.input(kernel, h);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return in.read(new byte[10]);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitPending(h);
        assertTimeoutPreemptively(Duration.ofSeconds(5), in::close);
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class).hasMessageContaining("stream closed");
        // The handle and the event are closed once the kernel reported the cancelled I/O complete, not before.
        assertThat(kernel.isOpen(h)).isFalse();
        assertThat(kernel.openHandles()).isZero();
        assertThatThrownBy(() -> in.read()).isInstanceOf(IOException.class);
    }

    @Test
    void closeCancelsAWriteBlockedOnAFullPipe() throws Exception {
        HANDLE h = kernel.pipe();
        kernel.blockWrites(h);
        OutputStream out = PipeStreams.output(kernel, h);
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                out.write(new byte[10]);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitPending(h);
        assertTimeoutPreemptively(Duration.ofSeconds(5), out::close);
        assertThatThrownBy(() -> write.get(5, TimeUnit.SECONDS)).hasMessageContaining("stream closed");
        assertThat(kernel.openHandles()).isZero();
    }

    @Test
    void aClosedIdlePipeIsClosedAtOnce() throws IOException {
        HANDLE h = kernel.pipe();
        InputStream in = PipeStreams.input(kernel, h);
        in.close();
        in.close();
        assertThat(kernel.isOpen(h)).isFalse();
        assertThatThrownBy(in::read).hasMessageContaining("stream closed");
    }

    private void awaitPending(HANDLE h) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!kernel.pending(h)) {
            assertThat(System.nanoTime()).as("an I/O is pending").isLessThan(deadline);
            Thread.sleep(5);
        }
        Thread.sleep(50);
    }
}
