package dev.containerv.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The drain after the exit: quiet means nothing arrives, not a terminal that is slow to take what did. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AttachTest {
    /**
     * Four chunks at once, then open until closed, as when a background process keeps the stream (whose close, like the
     * socket's it stands for, ends the read that waits).
     */
    private static final class HeldOpenOutput extends InputStream {
        private final CountDownLatch released = new CountDownLatch(1);
        private int chunksLeft = 4;

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            if (chunksLeft > 0) {
                b[off] = (byte) ('0' + chunksLeft--);
                return 1;
            }
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        @Override
        public void close() {
            released.countDown();
        }
    }

    private static final class ExitedProcess extends Process {
        private final InputStream stdout;

        ExitedProcess(InputStream stdout) {
            this.stdout = stdout;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return stdout;
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() {
            return 3;
        }

        @Override
        public int exitValue() {
            return 3;
        }

        @Override
        public void destroy() {
        }
    }

    @Test
    void outputWaitingForASlowTerminalIsNotCutOffAsQuiet() throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long perWrite = Attach.DRAIN_QUIET_MILLIS * 3 / 2; // each write alone outlasts the quiet period
        PrintStream slowTerminal = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    Thread.sleep(perWrite);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (seen) {
                    seen.write(b, off, len);
                }
            }
        }, true);
        HeldOpenOutput stdout = new HeldOpenOutput();
        try {
            int code = Attach.attach(new ExitedProcess(stdout), null, slowTerminal, new PrintStream(OutputStream.nullOutputStream()));
            assertThat(code).isEqualTo(3);
            synchronized (seen) {
                assertThat(seen.toString(StandardCharsets.US_ASCII)).isEqualTo("4321");
            }
        } finally {
            stdout.released.countDown();
        }
    }
}
