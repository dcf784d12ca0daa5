package dev.containerv.images.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.spi.FileTrees;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks one uncompressed layer tar into a directory that becomes an overlayfs lower layer.
 *
 * <p>Safety: an entry name that is absolute or holds {@code ..} is refused, as is any entry whose parent
 * directory inside the layer is a symbolic link (so a link made by an earlier entry is never followed), and a
 * hard link whose target is refused by the same rules; an existing file is removed before an entry replaces it,
 * never written through. The uncompressed bytes and the entry count are capped against decompression bombs.
 * Every refusal names the layer and the entry.
 *
 * <p>Whiteouts become what overlayfs reads: {@code .wh.NAME} a character device 0/0 named NAME,
 * {@code .wh..wh..opq} the {@code trusted.overlay.opaque=y} attribute on its directory.
 */
public final class LayerUnpacker {
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    private static final int COPY_BUFFER = 1 << 18;
    private static final System.Logger LOG = System.getLogger(LayerUnpacker.class.getName());

    private final long maxBytes;
    private final long maxEntries;
    private final boolean root;

    /**
     * @param maxBytes   most uncompressed tar bytes one layer may have
     * @param maxEntries most entries one layer may have
     */
    public LayerUnpacker(long maxBytes, long maxEntries) {
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
        this.root = SpecialFiles.isRoot();
    }

    /**
     * Unpacks {@code tar} into the directory {@code dir}, which must exist and be empty.
     *
     * @param tar   the uncompressed tar stream (not closed here)
     * @param dir   the layer directory
     * @param layer the layer's name for errors
     * @throws ContainerException INVALID_SPEC for an unsafe or malformed entry, RESOURCE_LIMIT for a bomb,
     *                            PLATFORM_FAILURE when the file system refuses; the directory is then left as is
     *                            for the caller to remove
     */
    public void unpack(InputStream tar, Path dir, String layer) {
        var counted = new CappedInputStream(tar, maxBytes, layer);
        var dirTimes = new ArrayList<DeferredDir>();
        // File contents are copied through one large buffer: tar, gzip and the digest then work in big chunks.
        ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER);
        String current = "(tar header)";
        long entries = 0;
        try {
            var in = new TarArchiveInputStream(counted);
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                current = e.getName();
                if (++entries > maxEntries) {
                    throw new ContainerException(ErrorKind.RESOURCE_LIMIT,
                            "layer " + layer + ": more than " + maxEntries + " entries (at " + current + ")");
                }
                extract(in, e, dir, layer, dirTimes, buffer);
            }
        } catch (CappedInputStream.LimitException ex) {
            throw new ContainerException(ErrorKind.RESOURCE_LIMIT,
                    "layer " + layer + ": more than " + maxBytes + " uncompressed bytes (at entry " + current + ")");
        } catch (IOException ex) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE,
                    "layer " + layer + ": entry " + current + ": " + ex.getMessage(), ex);
        }
        // Directory modes and times last: children written later would change the times, and a read-only mode
        // set early would block them.
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            DeferredDir d = dirTimes.get(i);
            try {
                if (Files.isDirectory(d.path, LinkOption.NOFOLLOW_LINKS)) {
                    applyMode(d.path, d.entry);
                    Files.setLastModifiedTime(d.path, FileTime.from(d.entry.getLastModifiedDate().toInstant()));
                }
            } catch (IOException ex) {
                throw new ContainerException(ErrorKind.PLATFORM_FAILURE,
                        "layer " + layer + ": entry " + d.entry.getName() + ": " + ex.getMessage(), ex);
            }
        }
    }

    private void extract(TarArchiveInputStream in, TarArchiveEntry e, Path dir, String layer,
                         List<DeferredDir> dirs, ByteBuffer buffer) throws IOException {
        List<String> parts = safeParts(e.getName(), layer, e.getName(), "name");
        if (parts.isEmpty()) {
            if (e.isDirectory()) {
                dirs.add(new DeferredDir(dir, e));
            }
            return; // the layer root itself
        }
        Path parent = ensureParents(dir, parts, layer, e.getName());
        String base = parts.get(parts.size() - 1);
        Path target = parent.resolve(base);

        if (base.equals(OPAQUE)) {
            setXattr(parent, "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII), layer, e.getName());
            return;
        }
        if (base.startsWith(WHITEOUT_PREFIX)) {
            String hidden = base.substring(WHITEOUT_PREFIX.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                throw unsafe(layer, e.getName(), "a whiteout must name a file");
            }
            Path whiteout = parent.resolve(hidden);
            FileTrees.deleteTree(whiteout);
            SpecialFiles.mknod(whiteout, 'c', 0, 0);
            return;
        }

        if (e.isDirectory()) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                FileTrees.deleteTree(target);
                Files.createDirectory(target);
            }
            applyOwnerAndXattrs(target, e, layer);
            dirs.add(new DeferredDir(target, e));
            return;
        }
        FileTrees.deleteTree(target);
        if (e.isSymbolicLink()) {
            // The link's text is stored, never followed here: parents are checked to be real directories.
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
            applyOwnerAndXattrs(target, e, layer);
            setLinkTime(target, e);
            return;
        }
        if (e.isLink()) {
            List<String> linkParts = safeParts(e.getLinkName(), layer, e.getName(), "hard link target " + e.getLinkName());
            if (linkParts.isEmpty()) {
                throw unsafe(layer, e.getName(), "a hard link to the layer root");
            }
            Path source = checkedExisting(dir, linkParts, layer, e.getName());
            if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                throw unsafe(layer, e.getName(), "a hard link to a directory");
            }
            Files.createLink(target, source);
            return;
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            if (!root) {
                LOG.log(System.Logger.Level.DEBUG, "layer {0}: device node {1} skipped (not root)", layer, e.getName());
                return;
            }
            SpecialFiles.mknod(target, e.isCharacterDevice() ? 'c' : 'b', e.getDevMajor(), e.getDevMinor());
        } else if (e.isFIFO()) {
            SpecialFiles.mkfifo(target);
        } else if (e.isFile()) {
            try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                copy(in, out, buffer);
            }
        } else {
            throw unsafe(layer, e.getName(), "an entry of a type layers do not hold (not a file, directory, "
                    + "link, device or FIFO)");
        }
        applyOwnerAndXattrs(target, e, layer);
        applyMode(target, e);
        if (!e.isFIFO() && !e.isCharacterDevice() && !e.isBlockDevice()) {
            // Only a regular file: the JDK sets times through open(), which blocks on a FIFO and would open a
            // device.
            Files.setLastModifiedTime(target, FileTime.from(e.getLastModifiedDate().toInstant()));
        }
    }

    private static void copy(InputStream in, FileChannel out, ByteBuffer buffer) throws IOException {
        byte[] b = buffer.array();
        int n;
        while ((n = in.readNBytes(b, 0, b.length)) > 0) {
            buffer.clear().limit(n);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            if (n < b.length) {
                return;
            }
        }
    }

    /** Splits an entry name into components, refusing an absolute name or one holding {@code ..}. */
    static List<String> safeParts(String name, String layer, String entry, String what) {
        if (name.startsWith("/")) {
            throw unsafe(layer, entry, what + " is an absolute path");
        }
        var parts = new ArrayList<String>();
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                throw unsafe(layer, entry, what + " holds '..'");
            }
            if (p.indexOf('\0') >= 0) {
                throw unsafe(layer, entry, what + " holds a NUL byte");
            }
            parts.add(p);
        }
        return parts;
    }

    /** Makes the parent directories of an entry, refusing any that exists as a symbolic link or a non-directory. */
    private static Path ensureParents(Path dir, List<String> parts, String layer, String entry) throws IOException {
        Path p = dir;
        for (int i = 0; i < parts.size() - 1; i++) {
            p = p.resolve(parts.get(i));
            if (Files.isSymbolicLink(p)) {
                throw unsafe(layer, entry, "its parent " + dir.relativize(p) + " is a symbolic link");
            }
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(p);
            } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw unsafe(layer, entry, "its parent " + dir.relativize(p) + " is not a directory");
            }
        }
        return p;
    }

    private static Path checkedExisting(Path dir, List<String> parts, String layer, String entry) {
        Path p = dir;
        for (int i = 0; i < parts.size(); i++) {
            p = p.resolve(parts.get(i));
            if (i < parts.size() - 1 && Files.isSymbolicLink(p)) {
                throw unsafe(layer, entry, "its hard link target passes through the symbolic link " + dir.relativize(p));
            }
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw unsafe(layer, entry, "its hard link target " + dir.relativize(p) + " is not in the layer");
        }
        return p;
    }

    private void applyOwnerAndXattrs(Path target, TarArchiveEntry e, String layer) throws IOException {
        if (root) {
            Files.setAttribute(target, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        }
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            if (h.getKey().startsWith("SCHILY.xattr.")) {
                String name = h.getKey().substring("SCHILY.xattr.".length());
                setXattr(target, name, h.getValue().getBytes(StandardCharsets.UTF_8), layer, e.getName());
            }
        }
    }

    private void setXattr(Path target, String name, byte[] value, String layer, String entry) throws IOException {
        if (name.startsWith("user.") && !Files.isSymbolicLink(target)) {
            Files.getFileAttributeView(target, UserDefinedFileAttributeView.class)
                    .write(name.substring("user.".length()), ByteBuffer.wrap(value));
        } else if (root) {
            SpecialFiles.setXattr(target, name, value);
        } else {
            LOG.log(System.Logger.Level.DEBUG, "layer {0}: xattr {1} on {2} skipped (not root)", layer, name, entry);
        }
    }

    private static void applyMode(Path target, TarArchiveEntry e) throws IOException {
        Files.setAttribute(target, "unix:mode", e.getMode() & 07777);
    }

    private static void setLinkTime(Path link, TarArchiveEntry e) {
        try {
            FileTime t = FileTime.from(e.getLastModifiedDate().toInstant());
            Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(t, null, null);
        } catch (IOException | UnsupportedOperationException ex) {
            // A symlink's own time does not matter to anything that runs; some file systems refuse it.
        }
    }

    private static ContainerException unsafe(String layer, String entry, String why) {
        return new ContainerException(ErrorKind.INVALID_SPEC,
                "layer " + layer + ": entry " + entry + " refused: " + why);
    }

    private record DeferredDir(Path path, TarArchiveEntry entry) {
    }

    /** Counts bytes and fails past a cap. */
    static final class CappedInputStream extends FilterInputStream {
        private final long cap;
        private long count;

        CappedInputStream(InputStream in, long cap, String layer) {
            super(in);
            this.cap = cap;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > cap) {
                throw new LimitException();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (count += n) > cap) {
                throw new LimitException();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            if ((count += s) > cap) {
                throw new LimitException();
            }
            return s;
        }

        static final class LimitException extends IOException {
            private static final long serialVersionUID = 1L;
        }
    }
}
