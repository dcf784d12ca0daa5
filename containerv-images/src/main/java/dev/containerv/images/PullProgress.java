package dev.containerv.images;

/**
 * Hears how a pull or import goes, layer by layer. Several layers stream at once
 * ({@link ImageStore.Builder#parallelLayers(int)}), so calls come from the threads that pull them, but one call at a
 * time: an implementation need not be thread-safe, and should return quickly. Every method does nothing unless
 * overridden.
 */
public interface PullProgress {
    /** A listener that ignores everything. */
    PullProgress NONE = new PullProgress() { };

    /**
     * A layer's blob starts streaming: the layer is not in the cache, or it is but the cache has not yet seen this
     * blob decompress to it (the blob is then read to verify it, and the layer is not unpacked again).
     *
     * @param layer the layer's uncompressed digest
     * @param size  the blob's size in bytes as the manifest states it, -1 when unknown
     */
    default void layerStarted(Digest layer, long size) { }

    /**
     * More of a layer's blob was read.
     *
     * @param layer the layer's uncompressed digest
     * @param bytes bytes of the blob read so far
     */
    default void layerProgress(Digest layer, long bytes) { }

    /**
     * A layer is in the cache.
     *
     * @param layer  the layer's uncompressed digest
     * @param cached true when it was there already (nothing was unpacked; the blob was read only if this image's
     *               blob digest was not yet known to decompress to it)
     */
    default void layerDone(Digest layer, boolean cached) { }
}
