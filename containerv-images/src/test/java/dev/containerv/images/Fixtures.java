package dev.containerv.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Image fixtures the tests build themselves: layer tars, OCI layouts and docker-save archives. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Date MTIME = new Date(1_600_000_000_000L);

    private Fixtures() {
    }

    /** Writes tar entries. */
    static final class Tar {
        private final TarArchiveOutputStream out;

        Tar(OutputStream sink) {
            out = new TarArchiveOutputStream(sink);
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }

        Tar dir(String name) {
            var e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
            e.setMode(040755);
            return put(e, null);
        }

        Tar file(String name, String content) {
            return file(name, content, 0644);
        }

        Tar file(String name, String content, int mode) {
            var e = new TarArchiveEntry(name);
            e.setMode(0100000 | mode);
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            e.setSize(b.length);
            return put(e, b);
        }

        Tar symlink(String name, String target) {
            var e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            e.setLinkName(target);
            return put(e, null);
        }

        Tar hardlink(String name, String target) {
            var e = new TarArchiveEntry(name, TarConstants.LF_LINK);
            e.setLinkName(target);
            return put(e, null);
        }

        Tar put(TarArchiveEntry e, byte[] content) {
            try {
                e.setModTime(MTIME);
                out.putArchiveEntry(e);
                if (content != null) {
                    out.write(content);
                }
                out.closeArchiveEntry();
                return this;
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    static byte[] tar(Consumer<Tar> entries) {
        var bytes = new ByteArrayOutputStream();
        var t = new Tar(bytes);
        entries.accept(t);
        try {
            t.out.finish();
            t.out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A tar of one old-GNU sparse entry ({@code S}): {@code realSize} bytes of which only the last {@code data.length}
     * are stored, the rest a hole. Commons-compress writes no sparse entries, so the header is built here.
     */
    static byte[] gnuSparse(String name, long realSize, String data) {
        byte[] d = data.getBytes(StandardCharsets.US_ASCII);
        byte[] h = header(name, d.length, 'S');
        octal(h, 386, 12, realSize - d.length); // the one data extent: offset, bytes
        octal(h, 398, 12, d.length);
        octal(h, 483, 12, realSize);
        checksum(h);
        return concat(h, d, new byte[1024]);
    }

    /**
     * A tar whose one empty file {@code f} is preceded by a special header of {@code type} ({@code L}: a GNU long
     * name, {@code x}: PAX records) carrying {@code body}, which a tar reader keeps in memory.
     */
    static byte[] specialHeader(char type, byte[] body) {
        byte[] special = header("././@LongLink", body.length, type);
        checksum(special);
        byte[] file = header("f", 0, '0');
        checksum(file);
        return concat(special, body, file, new byte[1024]);
    }

    /** One PAX record, {@code "<length> key=value\n"}, its length counting its own digits. */
    static byte[] paxRecord(String key, String value) {
        int rest = key.length() + value.length() + 3; // ' ', '=', '\n'
        int len = rest + String.valueOf(rest).length();
        if (String.valueOf(len).length() != String.valueOf(rest).length()) {
            len++;
        }
        return (len + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] header(String name, long size, char type) {
        byte[] h = new byte[512];
        ascii(h, 0, name);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME.getTime() / 1000);
        h[156] = (byte) type;
        ascii(h, 257, "ustar  ");
        return h;
    }

    private static void checksum(byte[] h) {
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
    }

    /** The parts one after another, each padded to a 512-byte block. */
    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
            out.writeBytes(new byte[(512 - p.length % 512) % 512]);
        }
        return out.toByteArray();
    }

    private static void ascii(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    /** {@code width - 1} octal digits and a NUL. */
    private static void octal(byte[] h, int at, int width, long value) {
        ascii(h, at, String.format("%0" + (width - 1) + "o", value));
    }

    static byte[] gzip(byte[] content) {
        var bytes = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(bytes)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Compresses with zstd-jni, as a zstd layer's blob is. */
    static byte[] zstd(byte[] content) {
        var bytes = new ByteArrayOutputStream();
        try (var z = new ZstdOutputStream(bytes, 3)) {
            z.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** How layer blobs are compressed, and the media type their descriptors state. */
    enum Compression {
        GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
        ZSTD("application/vnd.oci.image.layer.v1.tar+zstd");

        final String mediaType;

        Compression(String mediaType) {
            this.mediaType = mediaType;
        }

        byte[] apply(byte[] tar) {
            return this == GZIP ? gzip(tar) : zstd(tar);
        }
    }

    /** An image's config JSON: the layers' diff_ids (bottom first) and a run config. */
    static byte[] config(List<byte[]> layerTars, List<String> cmd, List<String> env, String workingDir) {
        ObjectNode c = JSON.createObjectNode();
        c.put("architecture", "amd64");
        c.put("os", "linux");
        ObjectNode run = c.putObject("config");
        env.forEach(run.putArray("Env")::add);
        cmd.forEach(run.putArray("Cmd")::add);
        run.put("WorkingDir", workingDir);
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        layerTars.forEach(t -> ids.add(Digest.of(t).toString()));
        return bytes(c);
    }

    static byte[] bytes(Object node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Digest writeBlob(Path layout, byte[] content) throws IOException {
        Digest d = Digest.of(content);
        Path dir = Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.write(dir.resolve(d.hex()), content);
        return d;
    }

    static ObjectNode descriptor(String mediaType, Digest d, long size) {
        ObjectNode n = JSON.createObjectNode();
        n.put("mediaType", mediaType);
        n.put("digest", d.toString());
        n.put("size", size);
        return n;
    }

    /**
     * Writes an OCI layout holding one image of gzip layers (bottom first), tagged {@code tag}.
     *
     * @return the manifest bytes
     */
    static byte[] ociLayout(Path layout, String tag, List<byte[]> layerTars, byte[] config) throws IOException {
        return ociLayout(layout, tag, layerTars, config, Compression.GZIP);
    }

    /**
     * Writes an OCI layout holding one image of layers compressed as asked (bottom first), tagged {@code tag}.
     *
     * @return the manifest bytes
     */
    static byte[] ociLayout(Path layout, String tag, List<byte[]> layerTars, byte[] config, Compression compression)
            throws IOException {
        Files.createDirectories(layout);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Digest configDigest = writeBlob(layout, config);
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        m.set("config", descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.length));
        ArrayNode layers = m.putArray("layers");
        for (byte[] t : layerTars) {
            byte[] blob = compression.apply(t);
            layers.add(descriptor(compression.mediaType, writeBlob(layout, blob), blob.length));
        }
        byte[] manifest = bytes(m);
        Digest md = writeBlob(layout, manifest);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode d = descriptor("application/vnd.oci.image.manifest.v1+json", md, manifest.length);
        d.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        index.putArray("manifests").add(d);
        Files.write(layout.resolve("index.json"), bytes(index));
        return manifest;
    }

    /** Writes a docker-save archive holding one image of plain tar layers (bottom first). */
    static void dockerArchive(Path archive, String repoTag, List<byte[]> layerTars, byte[] config) throws IOException {
        List<String> layerNames = new ArrayList<>();
        String configName = Digest.of(config).hex() + ".json";
        byte[] archiveBytes = tar(t -> {
            for (int i = 0; i < layerTars.size(); i++) {
                String name = "layer" + i + "/layer.tar";
                layerNames.add(name);
                t.dir("layer" + i);
                var e = new TarArchiveEntry(name);
                e.setSize(layerTars.get(i).length);
                e.setMode(0100644);
                t.put(e, layerTars.get(i));
            }
            var e = new TarArchiveEntry(configName);
            e.setSize(config.length);
            e.setMode(0100644);
            t.put(e, config);
            ArrayNode manifest = JSON.createArrayNode();
            ObjectNode image = manifest.addObject();
            image.put("Config", configName);
            image.putArray("RepoTags").add(repoTag);
            layerNames.forEach(image.putArray("Layers")::add);
            byte[] mb = bytes(manifest);
            var me = new TarArchiveEntry("manifest.json");
            me.setSize(mb.length);
            me.setMode(0100644);
            t.put(me, mb);
        });
        Files.write(archive, archiveBytes);
    }
}
