package dev.containerv.images.internal;

import dev.containerv.images.Digest;
import java.util.List;

/**
 * An image resolved to one manifest: its verified configuration and where each layer's blob is.
 *
 * @param manifestDigest the manifest's digest (for a {@code docker save} archive without one: the config's)
 * @param configDigest   the configuration's digest
 * @param configJson     the configuration, already verified against its digest
 * @param layers         the layers, bottom layer first
 */
public record ResolvedImage(Digest manifestDigest, Digest configDigest, byte[] configJson, List<LayerBlob> layers) {

    /**
     * One layer's blob.
     *
     * @param digest the compressed blob's digest, or null when the source states none (its uncompressed
     *               digest from the config is then the only check)
     * @param size   its size, or -1 when unknown
     * @param opener opens its raw bytes
     */
    public record LayerBlob(Digest digest, long size, ImageSource.BlobOpener opener) {
    }
}
