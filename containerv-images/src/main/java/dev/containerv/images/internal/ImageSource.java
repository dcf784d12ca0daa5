package dev.containerv.images.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where an image's manifests and blobs come from: an OCI layout, a {@code docker save} archive or a registry.
 * Streams are raw; the caller verifies them against their descriptors.
 */
public interface ImageSource extends AutoCloseable {
    /**
     * Resolves the image this source was opened for down to one manifest for this host's platform.
     *
     * @return the resolved image: its config (verified) and its layer blobs, bottom layer first
     * @throws IOException when the source cannot be read
     */
    ResolvedImage resolve() throws IOException;

    @Override
    default void close() throws IOException {
    }

    /** Opens one blob's raw bytes. */
    @FunctionalInterface
    interface BlobOpener {
        /**
         * @return the blob's raw (possibly compressed) bytes, unverified
         * @throws IOException when it cannot be read
         */
        InputStream open() throws IOException;
    }
}
