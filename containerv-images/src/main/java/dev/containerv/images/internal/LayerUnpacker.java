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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks one uncompressed layer tar into a directory that becomes an overlayfs lower layer.
 *
 * <p>Safety: an entry name that is absolute or holds {@code ..} is refused, as is any entry whose parent
 * directory inside the layer is a symbolic link (so a link made by an earlier entry is never followed), and a
 * hard link whose target is refused by the same rules; an existing file is removed before an entry replaces it,
 * never written through. The uncompressed bytes, the bytes written (a sparse entry's holes come out as zeros) and
 * the entry count are capped against decompression bombs.
 * Every refusal names the layer and the entry.
 *
 * <p>Whiteouts become what overlayfs reads: {@code .wh.NAME} a character device 0/0 named NAME,
 * {@code .wh..wh..opq} the {@code trusted.overlay.opaque=y} attribute on its directory. Those are the only
 * overlayfs attributes a layer gets: entries' own {@code trusted.*} and {@code user.overlay.*} xattrs are dropped
 * ({@link #isForbiddenXattr}).
 */
public final class LayerUnpacker {
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    /**
     * The PAX record prefix of an xattr, as GNU tar, Go's archive/tar and Docker write it. libarchive's own form
     * ({@code LIBARCHIVE.xattr.}, base64 values) is not read: its xattrs are not applied at all.
     */
    static final String PAX_XATTR = "SCHILY.xattr.";
    private static final int COPY_BUFFER = 1 << 18;
    /**
     * Most bytes the tar reader may take for one entry's headers: its own block, a GNU long name or link name, PAX
     * records, a sparse map. The reader keeps them in memory, so a layer of a 512 MiB name would fill the heap; Go's
     * archive/tar allows 1 MiB as well.
     */
    static final int MAX_HEADER_BYTES = 1 << 20;
    private static final Set<OpenOption> CREATE_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    /** A file-creation attribute for each of the 512 permission-bit patterns. */
    private static final FileAttribute<?>[] PERMISSIONS = permissions();
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

    /** @return the most uncompressed tar bytes one layer may have */
    long maxBytes() {
        return maxBytes;
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
        String current = "(tar header)";
        long entries = 0;
        Work w;
        try {
            w = new Work(dir, layer, dirTimes, maxBytes);
        } catch (IOException ex) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "layer " + layer + ": " + dir + ": " + ex.getMessage(), ex);
        }
        try {
            var in = new TarArchiveInputStream(counted);
            TarArchiveEntry e;
            while ((e = nextEntry(in, counted)) != null) {
                current = e.getName();
                if (++entries > maxEntries) {
                    throw new ContainerException(ErrorKind.RESOURCE_LIMIT,
                            "layer " + layer + ": more than " + maxEntries + " entries (at " + current + ")");
                }
                extract(in, e, w);
            }
        } catch (CappedInputStream.HeaderLimitException ex) {
            throw headersTooLong("layer " + layer, entries == 0 ? null : current);
        } catch (CappedInputStream.LimitException ex) {
            throw new ContainerException(ErrorKind.RESOURCE_LIMIT,
                    "layer " + layer + ": more than " + maxBytes + " uncompressed bytes (at entry " + current + ")");
        } catch (IOException ex) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE,
                    "layer " + layer + ": entry " + current + ": " + ex.getMessage(), ex);
        }
        if (w.droppedXattrs > 0) {
            LOG.log(System.Logger.Level.DEBUG, "layer {0}: {1} trusted.* or user.overlay.* xattrs dropped",
                    layer, w.droppedXattrs);
        }
        // Directory modes and times last: children written later would change the times, and a read-only mode
        // set early would block them. Only directories the unpack still knows: a later entry may have replaced
        // one of a directory's parents by a link (to the host's / say), which a path would follow; what replaces
        // an entry forgets the directories it held.
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            DeferredDir d = dirTimes.get(i);
            try {
                if (w.knownDirs.contains(d.path)) {
                    if (d.path.equals(w.dir) || (d.entry.getMode() & 07777) != w.createdDirMode) {
                        applyMode(d.path, d.entry);
                    }
                    setTimes(d.path, d.entry);
                }
            } catch (IOException ex) {
                throw new ContainerException(ErrorKind.PLATFORM_FAILURE,
                        "layer " + layer + ": entry " + d.entry.getName() + ": " + ex.getMessage(), ex);
            }
        }
    }

    /**
     * The next entry, its headers read within {@link #MAX_HEADER_BYTES}. What is left of the current entry's data
     * (a link or directory entry may state a size) is read first, so only headers count.
     */
    static TarArchiveEntry nextEntry(TarArchiveInputStream in, CappedInputStream counted) throws IOException {
        if (in.getCurrentEntry() != null) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        counted.limitHeaders(MAX_HEADER_BYTES);
        try {
            return in.getNextEntry();
        } finally {
            counted.limitHeaders(-1);
        }
    }

    /**
     * The refusal of an entry whose headers pass {@link #MAX_HEADER_BYTES} ({@link CappedInputStream.HeaderLimitException}).
     *
     * @param where    the tar's name for errors
     * @param previous the name of the entry before the refused one, null when it is the first
     */
    static ContainerException headersTooLong(String where, String previous) {
        return new ContainerException(ErrorKind.RESOURCE_LIMIT, where + ": "
                + (previous == null ? "the first entry" : "the entry after " + previous) + " has more than "
                + MAX_HEADER_BYTES + " bytes of headers (long name, PAX records or sparse map)");
    }

    private void extract(TarArchiveInputStream in, TarArchiveEntry e, Work w) throws IOException {
        Path dir = w.dir;
        String layer = w.layer;
        List<DeferredDir> dirs = w.dirs;
        List<String> parts = safeParts(e.getName(), layer, e.getName(), "name");
        if (parts.isEmpty()) {
            if (e.isDirectory()) {
                dirs.add(new DeferredDir(dir, e));
            }
            return; // the layer root itself
        }
        Path parent = ensureParents(w, parts, e.getName());
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
            w.remove(whiteout);
            SpecialFiles.mknod(whiteout, 'c', 0, 0);
            return;
        }

        if (e.isDirectory()) {
            if (!w.knownDirs.contains(target)) {
                BasicFileAttributes a = lstat(target);
                if (a == null || !a.isDirectory()) {
                    if (a != null) {
                        w.remove(target);
                    }
                    Files.createDirectory(target);
                }
                w.knownDirs.add(target);
            }
            applyOwnerAndXattrs(target, e, w);
            dirs.add(new DeferredDir(target, e));
            return;
        }
        if (e.isSymbolicLink()) {
            // The link's text is stored, never followed here: parents are checked to be real directories.
            try {
                Files.createSymbolicLink(target, Path.of(e.getLinkName()));
            } catch (FileAlreadyExistsException ex) {
                w.remove(target);
                Files.createSymbolicLink(target, Path.of(e.getLinkName()));
            }
            applyOwnerAndXattrs(target, e, w);
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
            try {
                Files.createLink(target, source);
            } catch (FileAlreadyExistsException ex) {
                w.remove(target);
                Files.createLink(target, source);
            }
            return;
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            if (!root) {
                LOG.log(System.Logger.Level.DEBUG, "layer {0}: device node {1} skipped (not root)", layer, e.getName());
                return;
            }
            w.remove(target);
            SpecialFiles.mknod(target, e.isCharacterDevice() ? 'c' : 'b', e.getDevMajor(), e.getDevMinor());
        } else if (e.isFIFO()) {
            w.remove(target);
            SpecialFiles.mkfifo(target);
        } else if (e.isFile()) {
            // O_CREAT|O_EXCL never follows a link: whatever is there is removed first, never written through.
            try (FileChannel out = createFile(target, e.getMode(), w)) {
                copy(in, out, w);
            }
        } else {
            throw unsafe(layer, e.getName(), "an entry of a type layers do not hold (not a file, directory, "
                    + "link, device or FIFO)");
        }
        applyOwnerAndXattrs(target, e, w);
        if (!e.isFile() || (e.getMode() & 07777) != (e.getMode() & 0777 & ~w.umask)) {
            applyMode(target, e); // a new file has its permission bits already, less the umask
        }
        if (!e.isFIFO() && !e.isCharacterDevice() && !e.isBlockDevice()) {
            // Only a regular file: the JDK sets times through open(), which blocks on a FIFO and would open a
            // device.
            setTimes(target, e);
        }
    }

    private static FileChannel createFile(Path target, int mode, Work w) throws IOException {
        try {
            return FileChannel.open(target, CREATE_FILE, PERMISSIONS[mode & 0777]);
        } catch (FileAlreadyExistsException ex) {
            w.remove(target);
            return FileChannel.open(target, CREATE_FILE, PERMISSIONS[mode & 0777]);
        }
    }

    /**
     * Writes an entry's content. What is written counts against the cap as the tar's bytes do: a sparse entry
     * stores only its data, and the tar reader hands out its holes as zeros (2 GiB from a header of 512 bytes).
     */
    private static void copy(InputStream in, FileChannel out, Work w) throws IOException {
        ByteBuffer buffer = w.buffer;
        byte[] b = buffer.array();
        int n;
        while ((n = in.readNBytes(b, 0, b.length)) > 0) {
            if ((w.written += n) > w.maxBytes) {
                throw new CappedInputStream.LimitException();
            }
            buffer.clear().limit(n);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            if (n < b.length) {
                return;
            }
        }
    }

    private static FileAttribute<?>[] permissions() {
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ first, 0400 ... OTHERS_EXECUTE, 01
        var out = new FileAttribute<?>[512];
        for (int mode = 0; mode < 512; mode++) {
            Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
            for (int i = 0; i < 9; i++) {
                if ((mode & (0400 >> i)) != 0) {
                    set.add(bits[i]);
                }
            }
            out[mode] = PosixFilePermissions.asFileAttribute(set);
        }
        return out;
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

    /**
     * Makes the parent directories of an entry, refusing any that exists as a symbolic link or a non-directory.
     * A directory this unpack made or checked is not looked at again: nothing but this unpack changes the tree,
     * and {@link Work#remove} forgets what it removes.
     */
    private static Path ensureParents(Work w, List<String> parts, String entry) throws IOException {
        Path p = w.dir;
        for (int i = 0; i < parts.size() - 1; i++) {
            p = p.resolve(parts.get(i));
            if (w.knownDirs.contains(p)) {
                continue;
            }
            BasicFileAttributes a = lstat(p);
            if (a == null) {
                Files.createDirectory(p);
            } else if (a.isSymbolicLink()) {
                throw unsafe(w.layer, entry, "its parent " + w.dir.relativize(p) + " is a symbolic link");
            } else if (!a.isDirectory()) {
                throw unsafe(w.layer, entry, "its parent " + w.dir.relativize(p) + " is not a directory");
            }
            w.knownDirs.add(p);
        }
        return p;
    }

    /** @return the attributes of the path itself (a link is not followed), or null when nothing is there */
    private static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
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

    private void applyOwnerAndXattrs(Path target, TarArchiveEntry e, Work w) throws IOException {
        String layer = w.layer;
        // Everything here was made by this unpack, so it is owned as the layer directory is (unless that
        // directory is set-group-ID, when new files take their parent's group): only an id that differs needs a
        // chown, and each id is its own lchown in the JDK, so the one that matches is not set again.
        if (root && e.getLongUserId() != w.ownUid) {
            Files.setAttribute(target, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        }
        if (root && (e.getLongGroupId() != w.ownGid || w.setgid)) {
            Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        }
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            if (h.getKey().startsWith(PAX_XATTR)) {
                String name = h.getKey().substring(PAX_XATTR.length());
                if (isForbiddenXattr(name)) {
                    w.droppedXattrs++;
                    LOG.log(System.Logger.Level.DEBUG, "layer {0}: xattr {1} on {2} dropped (overlayfs and host "
                            + "software read it; whiteouts and opaque directories come only from .wh. names)",
                            layer, name, e.getName());
                    continue;
                }
                setXattr(target, name, h.getValue().getBytes(StandardCharsets.UTF_8), layer, e.getName());
            }
        }
    }

    /**
     * Whether a layer entry's xattr is dropped rather than applied. overlayfs reads {@code trusted.overlay.*} (and,
     * mounted with {@code userxattr} as rootless containers are, {@code user.overlay.*}) on its lower layers as
     * instructions: opaque, redirect, metacopy, origin, whiteout markers. A layer that carried them would make
     * overlay hide, merge or redirect what the image format did not say; the OCI {@code .wh.} names are the only
     * whiteouts and opaque directories, and this unpacker writes their attributes itself. The rest of
     * {@code trusted.*} is dropped too: that namespace is for host software holding CAP_SYS_ADMIN (overlayfs,
     * file system daemons), no image format gives it a meaning, and a rootless store could not write it anyway.
     * {@code security.*} (file capabilities, labels), {@code system.*} (ACLs) and other {@code user.*} are kept.
     */
    static boolean isForbiddenXattr(String name) {
        return name.startsWith("trusted.") || name.startsWith("user.overlay.");
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

    /**
     * Sets modification and access time to the entry's time. Both at once: the JDK then does not read the file's
     * attributes first (one stat less per file). Only for files and directories this unpack made, so following a
     * link is never an issue.
     */
    private static void setTimes(Path target, TarArchiveEntry e) throws IOException {
        FileTime t = FileTime.from(e.getLastModifiedDate().toInstant());
        Files.getFileAttributeView(target, BasicFileAttributeView.class).setTimes(t, t, null);
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

    /** What one unpack knows as it goes. */
    private static final class Work {
        final Path dir;
        final String layer;
        final List<DeferredDir> dirs;
        /** File contents are copied through one large buffer: tar, gzip and the digest then work in big chunks. */
        final ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER);
        /** Directories under {@link #dir} this unpack made or checked to be real directories. */
        final Set<Path> knownDirs = new HashSet<>();
        final long ownUid;
        final long ownGid;
        final boolean setgid;
        /** The process's umask, which new files' and directories' permission bits lose. */
        final int umask;
        /** The mode {@link Files#createDirectory} gives. */
        final int createdDirMode;
        /** Most bytes of file content this unpack writes, and how many it wrote so far. */
        final long maxBytes;
        long written;
        /** Entry xattrs not applied ({@link #isForbiddenXattr}). */
        long droppedXattrs;

        Work(Path dir, String layer, List<DeferredDir> dirs, long maxBytes) throws IOException {
            this.dir = dir;
            this.maxBytes = maxBytes;
            this.layer = layer;
            this.dirs = dirs;
            Map<String, Object> a = Files.readAttributes(dir, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
            this.ownUid = (Integer) a.get("uid");
            this.ownGid = (Integer) a.get("gid");
            this.setgid = ((Integer) a.get("mode") & 02000) != 0;
            Path probe = dir.resolve(".containerv-umask-probe");
            Files.createDirectory(probe, PERMISSIONS[0777]);
            try {
                this.createdDirMode = (Integer) Files.getAttribute(probe, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            } finally {
                Files.delete(probe);
            }
            this.umask = ~createdDirMode & 0777;
            knownDirs.add(dir);
        }

        /** Removes whatever is at {@code target} (a tree is removed whole) and forgets the directories it held. */
        void remove(Path target) throws IOException {
            FileTrees.deleteTree(target);
            knownDirs.removeIf(k -> k.startsWith(target));
        }
    }

    /** Counts bytes and fails past a cap, and past a cap of its own while headers are read. */
    static final class CappedInputStream extends FilterInputStream {
        private final long cap;
        private long count;
        /** The count past which headers are too long; -1 while entry data is read. */
        private long headerEnd = -1;

        CappedInputStream(InputStream in, long cap, String layer) {
            super(in);
            this.cap = cap;
        }

        /** @return the bytes read (or skipped) so far */
        long count() {
            return count;
        }

        /** From now on at most {@code bytes} more until called again with -1. */
        void limitHeaders(long bytes) {
            headerEnd = bytes < 0 ? -1 : count + bytes;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            // While headers are read, no further than their cap: the reader asks for a whole long name at once.
            int want = headerEnd < 0 ? len : (int) Math.max(1, Math.min(len, headerEnd - count + 1));
            int n = super.read(b, off, want);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(headerEnd < 0 ? n : Math.max(1, Math.min(n, headerEnd - count + 1)));
            counted(s);
            return s;
        }

        private void counted(long n) throws IOException {
            count += n;
            if (count > cap) {
                throw new LimitException();
            }
            if (headerEnd >= 0 && count > headerEnd) {
                throw new HeaderLimitException();
            }
        }

        static class LimitException extends IOException {
            private static final long serialVersionUID = 1L;
        }

        static final class HeaderLimitException extends LimitException {
            private static final long serialVersionUID = 1L;
        }
    }
}
