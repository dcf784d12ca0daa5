package dev.containerv.images.internal;

import dev.containerv.images.Digest;
import dev.containerv.images.PullProgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes sure every layer of an image is in the cache, streaming several layers at once: each layer's download,
 * verification and unpacking is one thread's work from start to end, so a pull uses as many cores (and registry
 * connections) as it has layers, up to a bound. The layers stay independent: each is verified and renamed into the
 * cache under its own lock, whatever happens to the others.
 */
public final class ParallelLayers {
    private ParallelLayers() {
    }

    /**
     * @param cache    the layer cache
     * @param diffIds  the layers' uncompressed digests, bottom first
     * @param blobs    their blobs, in the same order
     * @param what     the image's name for errors
     * @param progress told of each layer, one call at a time (calls may come from several threads)
     * @param threads  most layers streamed at once
     * @throws IOException the first failure in layer order, once every layer has finished or failed (a layer
     *                     that verified stays in the cache)
     */
    public static void ensureAll(LayerCache cache, List<Digest> diffIds, List<ResolvedImage.LayerBlob> blobs,
                                 String what, PullProgress progress, int threads) throws IOException {
        PullProgress serial = new SerialProgress(progress);
        int n = Math.min(threads, diffIds.size());
        if (n <= 1) {
            for (int i = 0; i < diffIds.size(); i++) {
                cache.ensure(diffIds.get(i), blobs.get(i), what, serial);
            }
            return;
        }
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "containerv-pull-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            var futures = new ArrayList<Future<Boolean>>();
            for (int i = 0; i < diffIds.size(); i++) {
                Digest diffId = diffIds.get(i);
                ResolvedImage.LayerBlob blob = blobs.get(i);
                futures.add(pool.submit(() -> cache.ensure(diffId, blob, what, serial)));
            }
            Throwable first = null;
            for (Future<Boolean> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    first = first == null ? e.getCause() : first;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(x -> x.cancel(true));
                    throw new IOException(what + ": interrupted while pulling layers", e);
                }
            }
            if (first instanceof IOException io) {
                throw io;
            }
            if (first instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            if (first instanceof Error err) {
                throw err;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Passes calls on one at a time, so a listener need not be thread-safe. */
    private static final class SerialProgress implements PullProgress {
        private final PullProgress delegate;

        SerialProgress(PullProgress delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized void layerStarted(Digest layer, long size) {
            delegate.layerStarted(layer, size);
        }

        @Override
        public synchronized void layerProgress(Digest layer, long bytes) {
            delegate.layerProgress(layer, bytes);
        }

        @Override
        public synchronized void layerDone(Digest layer, boolean cached) {
            delegate.layerDone(layer, cached);
        }
    }
}
