package dev.containerv.images;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An image whose layers are all in the cache, ready to be a container's root.
 *
 * @param reference      the name it was stored under ({@code registry/repository:tag})
 * @param manifestDigest the digest of its manifest (for a {@code docker save} archive: of its config)
 * @param configDigest   the digest of its configuration, which identifies the image
 * @param config         what the configuration says about running it
 * @param layers         the uncompressed digests of its layers, top layer first
 * @param layerDirs      the unpacked layer directories in the same order: a container's read-only root layers
 */
public record Image(String reference, Digest manifestDigest, Digest configDigest, ImageConfig config,
                    List<Digest> layers, List<Path> layerDirs) {

    /** Copies the lists. */
    public Image {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(manifestDigest, "manifestDigest");
        Objects.requireNonNull(configDigest, "configDigest");
        Objects.requireNonNull(config, "config");
        layers = List.copyOf(layers);
        layerDirs = List.copyOf(layerDirs);
    }
}
