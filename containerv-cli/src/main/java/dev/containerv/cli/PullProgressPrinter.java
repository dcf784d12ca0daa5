package dev.containerv.cli;

import dev.containerv.images.Digest;
import dev.containerv.images.PullProgress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows a pull layer by layer. On a terminal, the layer being fetched has one line that is redrawn in place (bytes
 * so far, of how many, and the rate) at most every {@value #REDRAW_NANOS_TEXT}, then ends with its total; elsewhere
 * (a pipe, a log) each layer gets one quiet line when it is done. Layers come one after another, so one line at a
 * time is enough. Not thread-safe: the store calls it from the pulling thread.
 */
final class PullProgressPrinter implements PullProgress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final String REDRAW_NANOS_TEXT = "100 ms";

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private long started;
    private long size;
    private long bytes;
    private long lastDraw;
    private int fetched;
    private int cached;
    private long totalBytes;

    PullProgressPrinter(PrintStream out, boolean terminal, LongSupplier nanoTime) {
        this.out = out;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    /** Redrawn in place when the process has a terminal ({@link System#console()}) and {@code out} is its output. */
    static PullProgressPrinter to(PrintStream out) {
        return new PullProgressPrinter(out, System.console() != null && (out == System.out || out == System.err), System::nanoTime);
    }

    @Override
    public void layerStarted(Digest layer, long blobSize) {
        started = nanoTime.getAsLong();
        lastDraw = started;
        size = blobSize;
        bytes = 0;
        if (terminal) {
            draw(layer);
        }
    }

    @Override
    public void layerProgress(Digest layer, long read) {
        bytes = read;
        long now = nanoTime.getAsLong();
        if (terminal && now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(layer);
        }
    }

    @Override
    public void layerDone(Digest layer, boolean wasCached) {
        if (wasCached) {
            cached++;
            out.println(shortId(layer) + "  already in the store");
            return;
        }
        fetched++;
        totalBytes += bytes;
        String line = shortId(layer) + "  " + Units.bytes(bytes) + " in " + seconds(nanoTime.getAsLong() - started) + " (" + rate() + ")";
        out.print(terminal ? "\r" + line + "\033[K\n" : line + "\n");
        out.flush();
    }

    /** One line after the layers: how many were fetched and how many the store had. */
    String summary() {
        return fetched + " layer" + (fetched == 1 ? "" : "s") + " fetched (" + Units.bytes(totalBytes) + "), " + cached + " already in the store";
    }

    private void draw(Digest layer) {
        String of = size >= 0 ? " / " + Units.bytes(size) : "";
        out.print("\r" + shortId(layer) + "  " + Units.bytes(bytes) + of + "  " + rate() + "\033[K");
        out.flush();
    }

    private String rate() {
        long elapsed = nanoTime.getAsLong() - started;
        if (elapsed <= 0) {
            return "- /s";
        }
        return Units.bytes((long) (bytes * 1e9 / elapsed)) + "/s";
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** {@code sha256:0123456789ab}: the first 12 hex digits, as image tools show ids. */
    static String shortId(Digest digest) {
        return "sha256:" + digest.shortHex();
    }
}
