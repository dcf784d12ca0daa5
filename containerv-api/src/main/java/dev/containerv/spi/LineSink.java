package dev.containerv.spi;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An output stream that hands every line written to it to a consumer: the target of a {@link StreamPump} that serves
 * {@link dev.containerv.api.ProcessSpec.Builder#onStdoutLine} and {@code onStderrLine}. A line ends at {@code \n}
 * (a {@code \r} before it is dropped too); it is decoded as UTF-8 and given without its terminator; {@link #close()}
 * gives a last line that has no terminator. A consumer that throws is logged ({@code WARNING}) and gets the next lines
 * still, so the stream is always read to its end. Not thread-safe: one pump writes it.
 */
public final class LineSink extends OutputStream {
    private static final System.Logger LOG = System.getLogger(LineSink.class.getName());
    /** A line longer than this is handed over in pieces of this size, so that no output can exhaust the heap. */
    static final int MAX_LINE = 1 << 20;

    private final Consumer<String> consumer;
    private final String name;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean closed;

    /**
     * @param name names the stream in the log of a failing consumer, such as {@code "stdout of [make] in build-1"}
     */
    public LineSink(Consumer<String> consumer, String name) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
            if (line.size() >= MAX_LINE) {
                emit();
            }
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i - start);
                emit();
                start = i + 1;
            } else if (line.size() + (i + 1 - start) >= MAX_LINE) {
                line.write(b, start, i + 1 - start);
                emit();
                start = i + 1;
            }
        }
        line.write(b, start, end - start);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (line.size() > 0) {
                emit();
            }
        }
    }

    private void emit() {
        byte[] bytes = line.toByteArray();
        line.reset();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        String text = new String(bytes, 0, n, StandardCharsets.UTF_8);
        try {
            consumer.accept(text);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "the line consumer of " + name + " failed; it still gets the next lines: " + e, e);
        }
    }
}
