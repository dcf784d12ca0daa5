package dev.containerv.images.internal;

import dev.containerv.images.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Passes a blob through while hashing and counting it. Reading past the stated size fails at once; at the end of
 * the stream the size and digest must match, else {@link BlobMismatchException}. Callers must read to the end
 * (see {@link #drain()}) before trusting anything they made from the content.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final String what;
    private final MessageDigest sha = Digest.newSha256();
    private final LongConsumer progress;
    private long count;
    private boolean verified;

    /**
     * @param in           the raw blob
     * @param expected     its digest
     * @param expectedSize its size, or -1 when the source states none
     * @param what         the blob's description for errors ({@code layer sha256:...})
     * @param progress     told the byte count after each read
     */
    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what, LongConsumer progress) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.what = what;
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            verify();
            return -1;
        }
        sha.update(b, off, n);
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
            throw new BlobMismatchException(what + ": more than the stated " + expectedSize + " bytes");
        }
        progress.accept(count);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still be hashed.
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /**
     * Reads whatever the consumer left (tar padding, trailing zeros) and verifies.
     *
     * @return the number of bytes read in all
     * @throws IOException on a mismatch or a read failure
     */
    public long drain() throws IOException {
        byte[] buf = new byte[65536];
        while (read(buf, 0, buf.length) >= 0) {
            // hashing happens in read
        }
        return count;
    }

    private void verify() throws BlobMismatchException {
        if (verified) {
            return;
        }
        if (expectedSize >= 0 && count != expectedSize) {
            throw new BlobMismatchException(what + ": size " + count + " bytes, the manifest states " + expectedSize);
        }
        Digest actual = Digest.of(sha);
        if (!actual.equals(expected)) {
            throw new BlobMismatchException(what + ": content has digest " + actual + ", expected " + expected);
        }
        verified = true;
    }

    /** A blob's content does not match its digest or size. */
    public static final class BlobMismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        BlobMismatchException(String message) {
            super(message);
        }
    }
}
