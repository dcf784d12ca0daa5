package dev.containerv.images.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.images.Digest;
import dev.containerv.images.PullProgress;
import dev.containerv.spi.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Unpacked layers by uncompressed digest: {@code layers/sha256/<hex>/} is the layer's root, made once and then
 * only read. Making one takes a lock ({@code locks/<hex>.lock}: a {@link FileLock} between processes, a
 * {@link ReentrantLock} between threads of this JVM, which file locks do not separate), unpacks into
 * {@code tmp/}, verifies, and renames into place atomically, so a reader sees a whole layer or none.
 *
 * <p>A layer is named by its diff_id, which any image config can state: having the directory proves nothing about
 * the image that asks for it. So the cache records, for each layer, the compressed blob digests seen to decompress
 * to it ({@code layer-blobs/<hex>}, one digest a line), and a manifest's layer is reused only when its blob digest
 * is one of them. Otherwise (another blob, a source that names no blob digest, a layer unpacked before the records
 * existed) the blob is read and must verify, its digest and its uncompressed digest, before the layer is given; its
 * digest is then recorded.
 */
public final class LayerCache {
    private static final System.Logger LOG = System.getLogger(LayerCache.class.getName());
    /** Most bytes a blob record is read from: 16 Ki digest lines, far more than one layer's compressions. */
    private static final long MAX_RECORD_BYTES = 1L << 20;
    private static final ConcurrentHashMap<String, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private final Path layers;
    private final Path locks;
    private final Path tmp;
    private final Path blobRecords;
    private final LayerUnpacker unpacker;

    /**
     * @param root     the store's root directory
     * @param unpacker unpacks layer tars with the store's limits
     * @throws IOException when the directories cannot be made
     */
    public LayerCache(Path root, LayerUnpacker unpacker) throws IOException {
        this.layers = Files.createDirectories(root.resolve("layers").resolve("sha256"));
        this.locks = Files.createDirectories(root.resolve("locks"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
        this.blobRecords = Files.createDirectories(root.resolve("layer-blobs"));
        this.unpacker = unpacker;
        // An image's files are the image author's: setuid-root programs, device nodes of mode 0666 (the host's
        // memory or disks, as root unpacks them). Containers reach them through overlay mounts made with the
        // mounter's rights; on the host nobody but the store's owner may walk to them. A store made with the
        // default 0755 is closed again here.
        ownerOnly(layers.getParent());
        ownerOnly(tmp);
    }

    private static void ownerOnly(Path dir) throws IOException {
        if (((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0077) != 0) {
            Files.setAttribute(dir, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** @return the directory a layer is (or would be) unpacked in */
    public Path layerDir(Digest diffId) {
        return layers.resolve(diffId.hex());
    }

    /** @return true when the layer is unpacked */
    public boolean contains(Digest diffId) {
        return Files.isDirectory(layerDir(diffId), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Makes sure a layer is unpacked, streaming its blob only when it is not, or when the cache has not seen this
     * blob decompress to it: an image gets a cached layer only by proving it has the layer's bytes.
     *
     * @param diffId   the layer's uncompressed digest (from the image config)
     * @param blob     the layer's blob
     * @param what     the image's name for errors
     * @param progress told of the download
     * @return true when the layer was there already (it was not unpacked; its blob may have been read to verify)
     * @throws IOException when the blob cannot be read or does not verify (nothing of it is kept, and a layer that
     *                     was there stays)
     */
    public boolean ensure(Digest diffId, ResolvedImage.LayerBlob blob, String what, PullProgress progress)
            throws IOException {
        if (contains(diffId) && provenBy(diffId, blob)) {
            progress.layerDone(diffId, true);
            return true;
        }
        Path lockFile = locks.resolve(diffId.hex() + ".lock");
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().toString(), k -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            if (contains(diffId)) {
                // Made by another image, or by another thread or process while we waited.
                if (!provenBy(diffId, blob)) {
                    verifyOnly(diffId, blob, what, progress);
                    recordBlob(diffId, blob);
                }
                progress.layerDone(diffId, true);
                return true;
            }
            unpackInto(diffId, blob, what, progress);
            recordBlob(diffId, blob); // after the rename: a crash in between leaves a layer verified on next use
            progress.layerDone(diffId, false);
            return false;
        } finally {
            jvmLock.unlock();
        }
    }

    /** @return true when the blob has a digest the cache saw decompress to this layer */
    private boolean provenBy(Digest diffId, ResolvedImage.LayerBlob blob) throws IOException {
        return blob.digest() != null && recordedBlobs(diffId).contains(blob.digest());
    }

    /**
     * @param diffId a layer
     * @return the compressed blob digests seen to decompress to it (empty for a layer unpacked before the cache
     *         kept them, or only from sources that name no blob digest)
     * @throws IOException when the record cannot be read
     */
    Set<Digest> recordedBlobs(Digest diffId) throws IOException {
        Path record = blobRecords.resolve(diffId.hex());
        if (!Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
            return Set.of();
        }
        var out = new LinkedHashSet<Digest>();
        // A record only ever saves a read: one that is not a short list of digests (damaged, or edited by hand) counts as
        // none, so the blob is verified and the record rewritten, instead of every later import failing on it.
        if (Files.size(record) > MAX_RECORD_BYTES) {
            LOG.log(System.Logger.Level.WARNING, "{0}: larger than {1} bytes, ignored", record, MAX_RECORD_BYTES);
            return Set.of();
        }
        for (String line : Files.readAllLines(record, StandardCharsets.ISO_8859_1)) {
            if (!line.isBlank()) {
                try {
                    out.add(Digest.parse(line.strip()));
                } catch (ContainerException notADigest) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: a line is no digest ({1}), record ignored", record,
                            notADigest.getMessage());
                    return Set.of();
                }
            }
        }
        return out;
    }

    /** Adds a verified blob digest to the layer's record (under the layer's lock), replacing the file atomically. */
    private void recordBlob(Digest diffId, ResolvedImage.LayerBlob blob) throws IOException {
        if (blob.digest() == null) {
            return;
        }
        var digests = new LinkedHashSet<>(recordedBlobs(diffId));
        if (!digests.add(blob.digest())) {
            return;
        }
        Path record = blobRecords.resolve(diffId.hex());
        Path next = Files.createTempFile(blobRecords, diffId.shortHex() + ".", ".tmp");
        try {
            var text = new StringBuilder();
            digests.forEach(d -> text.append(d).append('\n'));
            Files.writeString(next, text, StandardCharsets.US_ASCII);
            Files.move(next, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(next);
        }
    }

    /**
     * Reads a blob whose layer is already unpacked and checks it as an unpack would (its digest and size, and that
     * it decompresses to the layer's diff_id), writing nothing. The uncompressed bytes are capped as an unpack's.
     */
    private void verifyOnly(Digest diffId, ResolvedImage.LayerBlob blob, String what, PullProgress progress)
            throws IOException {
        String layerName = layerName(diffId, blob, what);
        streamVerified(diffId, blob, layerName, progress, tar -> {
            try {
                new LayerUnpacker.CappedInputStream(tar, unpacker.maxBytes(), layerName)
                        .transferTo(java.io.OutputStream.nullOutputStream());
            } catch (LayerUnpacker.CappedInputStream.LimitException e) {
                throw new ContainerException(ErrorKind.RESOURCE_LIMIT,
                        layerName + ": more than " + unpacker.maxBytes() + " uncompressed bytes", e);
            }
        });
    }

    private static String layerName(Digest diffId, ResolvedImage.LayerBlob blob, String what) {
        return what + " layer " + (blob.digest() != null ? blob.digest() : diffId);
    }

    private void unpackInto(Digest diffId, ResolvedImage.LayerBlob blob, String what, PullProgress progress)
            throws IOException {
        String layerName = layerName(diffId, blob, what);
        Path work = Files.createTempDirectory(tmp, diffId.shortHex() + ".");
        boolean done = false;
        try {
            // A temporary directory is 0700; a layer root is 0755 unless the tar's "./" entry says otherwise.
            Files.setAttribute(work, "unix:mode", 0755);
            streamVerified(diffId, blob, layerName, progress, tar -> unpacker.unpack(tar, work, layerName));
            try {
                Files.move(work, layerDir(diffId), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(layerName + ": " + tmp + " and " + layers + " are on different file systems", e);
            }
            done = true;
        } finally {
            if (!done) {
                FileTrees.deleteTree(work);
            }
        }
    }

    /** What is done with a layer's uncompressed tar while its digests are computed. */
    @FunctionalInterface
    private interface TarReader {
        void read(InputStream tar) throws IOException;
    }

    /**
     * Streams a blob through its checks: size and digest of the blob (when the source states one), and the
     * uncompressed digest against {@code diffId}.
     */
    private static void streamVerified(Digest diffId, ResolvedImage.LayerBlob blob, String layerName,
                                       PullProgress progress, TarReader reader) throws IOException {
        progress.layerStarted(diffId, blob.size());
        try (InputStream raw = blob.opener().open()) {
            InputStream counted = raw;
            VerifyingInputStream verified = null;
            if (blob.digest() != null) {
                verified = new VerifyingInputStream(raw, blob.digest(), blob.size(), layerName,
                        n -> progress.layerProgress(diffId, n));
                counted = verified;
            }
            BufferedInputStream buffered = new BufferedInputStream(counted, 1 << 16);
            MessageDigest sha = Digest.newSha256();
            try (InputStream tar = new DigestInputStream(decompressor(buffered, layerName), sha)) {
                try {
                    reader.read(tar);
                } catch (ContainerException e) {
                    if (e.getCause() instanceof VerifyingInputStream.BlobMismatchException mismatch) {
                        throw mismatch; // the blob ended while an entry was read: a mismatch, not a bad entry
                    }
                    throw e;
                }
                tar.transferTo(java.io.OutputStream.nullOutputStream()); // the tar's trailing padding counts for the digest
                if (verified != null) {
                    verified.drain(); // before close: what gzip left unread still counts for the blob's digest
                }
            }
            Digest actual = Digest.of(sha);
            if (!actual.equals(diffId)) {
                throw new VerifyingInputStream.BlobMismatchException(layerName + ": uncompressed content has digest "
                        + actual + ", the image config says " + diffId);
            }
        }
    }

    /** Picks the decompressor by the stream's magic bytes, which docker-save layers (no media type) need too. */
    private static InputStream decompressor(BufferedInputStream in, String layerName) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return zstd(in, layerName);
        }
        return in;
    }

    private static InputStream zstd(InputStream in, String layerName) throws IOException {
        try {
            return new ZstdCompressorInputStream(in);
        } catch (LinkageError e) {
            // zstd-jni's native library does not load on this platform (it bundles the common ones).
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, layerName + " is zstd-compressed and zstd-jni's "
                    + "native library cannot be loaded here (" + e + "); gzip and plain tar layers are read", e);
        }
    }

    /** @return the digests of every unpacked layer */
    public List<Digest> list() throws IOException {
        var out = new ArrayList<Digest>();
        try (Stream<Path> s = Files.list(layers)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("[0-9a-f]{64}") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new Digest(name));
                }
            }
        }
        return out;
    }

    /**
     * Removes one layer, under its lock so no pull of it is half-way.
     *
     * @param diffId the layer
     * @throws IOException when it cannot be removed
     */
    public void remove(Digest diffId) throws IOException {
        Path lockFile = locks.resolve(diffId.hex() + ".lock");
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().toString(), k -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            // Rename first, so a concurrent reader never sees a half-removed layer under its real name.
            Path doomed = tmp.resolve("rm." + diffId.hex() + "." + System.nanoTime());
            // The record first: a layer left without one is verified again on its next use.
            Files.deleteIfExists(blobRecords.resolve(diffId.hex()));
            if (contains(diffId)) {
                Files.move(layerDir(diffId), doomed, StandardCopyOption.ATOMIC_MOVE);
                FileTrees.deleteTree(doomed);
            }
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * @param diffId a layer
     * @return the bytes of its regular files (each hard-linked file once per link)
     * @throws IOException when the tree cannot be read
     */
    public long size(Digest diffId) throws IOException {
        try (Stream<Path> s = Files.walk(layerDir(diffId))) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
