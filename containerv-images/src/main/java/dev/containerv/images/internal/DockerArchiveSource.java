package dev.containerv.images.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.images.Digest;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A {@code docker save} archive: a tar holding {@code manifest.json} ({@code Config}, {@code RepoTags},
 * {@code Layers}), the config and one tar per layer. The config is verified by its file name where that is its
 * digest; layers are verified by the config's {@code diff_ids} as they are unpacked.
 *
 * <p>The archive's headers are read once, as a layer's are ({@link LayerUnpacker#MAX_HEADER_BYTES} per entry, at
 * most {@link #MAX_ENTRIES} entries: the tar reader keeps long names and PAX records in memory), and its files are
 * read where they lie.
 */
public final class DockerArchiveSource implements ImageSource {
    /** Most entries an archive may have: {@code docker save} writes a few per layer. */
    static final int MAX_ENTRIES = 100_000;
    private static final Pattern HEX_NAME = Pattern.compile("(?:.*/)?(?:sha256[:/])?([0-9a-f]{64})(?:\\.json)?");
    private final Path archive;
    private final String repoTag;

    /** Where a regular file's bytes lie in the archive. */
    private record Span(long offset, long size) {
    }

    /**
     * @param archive the archive file
     * @param repoTag the {@code RepoTags} entry to pick, or null for the archive's only image
     */
    public DockerArchiveSource(Path archive, String repoTag) {
        this.archive = archive;
        this.repoTag = repoTag;
    }

    @Override
    public ResolvedImage resolve() throws IOException {
        String what = "docker archive " + archive;
        Map<String, Span> entries = index(what);
        Json manifest = Manifests.parse(read(entries, "manifest.json", what), what + " manifest.json");
        Json chosen = null;
        var tags = new ArrayList<String>();
        for (Json image : manifest) {
            for (Json t : image.path("RepoTags")) {
                tags.add(t.asText());
                if (t.asText().equals(repoTag)) {
                    chosen = image;
                }
            }
        }
        if (repoTag == null && manifest.size() == 1) {
            chosen = manifest.get(0);
        }
        if (chosen == null) {
            throw new ContainerException(ErrorKind.NOT_FOUND, what + ": " + (repoTag == null
                    ? "holds " + manifest.size() + " images; name one of " + tags
                    : "no image tagged " + repoTag + " (it has " + tags + ")"));
        }
        String configName = chosen.path("Config").asText();
        byte[] config = read(entries, configName, what);
        Digest configDigest = Digest.of(config);
        Matcher m = HEX_NAME.matcher(configName);
        if (m.matches() && !m.group(1).equals(configDigest.hex())) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, what + ": config " + configName
                    + " has digest " + configDigest + ", its name says sha256:" + m.group(1));
        }
        var layers = new ArrayList<ResolvedImage.LayerBlob>();
        for (Json l : chosen.path("Layers")) {
            Span s = entry(entries, l.asText(), what);
            Matcher lm = HEX_NAME.matcher(normal(l.asText()));
            Digest blobDigest = lm.matches() && l.asText().startsWith("blobs/") ? new Digest(lm.group(1)) : null;
            layers.add(new ResolvedImage.LayerBlob(blobDigest, s.size(), () -> open(s)));
        }
        return new ResolvedImage(configDigest, configDigest, config, layers);
    }

    /** The archive's regular files by name, from one pass over its headers (the files' bytes are skipped). */
    private Map<String, Span> index(String what) throws IOException {
        var entries = new HashMap<String, Span>();
        String current = null; // the last entry read, for errors
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            var counted = new LayerUnpacker.CappedInputStream(raw, Long.MAX_VALUE, what);
            var in = new TarArchiveInputStream(counted);
            TarArchiveEntry e;
            long n = 0;
            while ((e = nextHeader(in, counted)) != null) {
                current = e.getName();
                if (++n > MAX_ENTRIES) {
                    throw new ContainerException(ErrorKind.RESOURCE_LIMIT, what + ": more than " + MAX_ENTRIES + " entries");
                }
                // The reader has consumed exactly the headers: the count is where the file's bytes start.
                if (e.isFile() && !e.isSparse()) {
                    entries.put(normal(e.getName()), new Span(counted.count(), e.getSize()));
                }
            }
        } catch (LayerUnpacker.CappedInputStream.HeaderLimitException ex) {
            throw LayerUnpacker.headersTooLong(what, current);
        }
        return entries;
    }

    /** The next entry, the current one's bytes skipped (a seek in the file) rather than read. */
    private static TarArchiveEntry nextHeader(TarArchiveInputStream in, LayerUnpacker.CappedInputStream counted) throws IOException {
        if (in.getCurrentEntry() != null) {
            while (in.skip(Long.MAX_VALUE) > 0) {
                // skipped to the end of the entry
            }
        }
        return LayerUnpacker.nextEntry(in, counted);
    }

    private byte[] read(Map<String, Span> entries, String name, String what) throws IOException {
        Span s = entry(entries, name, what);
        if (s.size() > Manifests.MAX_JSON) {
            throw new ContainerException(ErrorKind.RESOURCE_LIMIT, what + ": " + name + " is too big for JSON");
        }
        try (InputStream in = open(s)) {
            return in.readAllBytes();
        }
    }

    private static Span entry(Map<String, Span> entries, String name, String what) {
        Span s = entries.get(normal(name));
        if (s == null) {
            throw new ContainerException(ErrorKind.NOT_FOUND, what + ": no file " + name + " in the archive");
        }
        return s;
    }

    /** The bytes of one file of the archive. */
    private InputStream open(Span s) throws IOException {
        FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ);
        ch.position(s.offset());
        return new FilterInputStream(Channels.newInputStream(ch)) {
            private long left = s.size();

            @Override
            public int read() throws IOException {
                int b = left > 0 ? super.read() : -1;
                left -= b >= 0 ? 1 : 0;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = left > 0 ? super.read(b, off, (int) Math.min(len, left)) : -1;
                left -= Math.max(n, 0);
                return n;
            }
        };
    }

    private static String normal(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }
}
