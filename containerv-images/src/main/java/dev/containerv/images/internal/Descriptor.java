package dev.containerv.images.internal;

import dev.containerv.images.Digest;

/**
 * An OCI content descriptor: what a manifest or index says about a blob it points to.
 *
 * @param mediaType the blob's media type
 * @param digest    its digest
 * @param size      its size in bytes
 */
public record Descriptor(String mediaType, Digest digest, long size) {
}
