package dev.containerv.images.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.images.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * A {@code docker save} archive: a tar holding {@code manifest.json} ({@code Config}, {@code RepoTags},
 * {@code Layers}), the config and one tar per layer. The config is verified by its file name where that is its
 * digest; layers are verified by the config's {@code diff_ids} as they are unpacked.
 */
public final class DockerArchiveSource implements ImageSource {
    private static final Pattern HEX_NAME = Pattern.compile("(?:.*/)?(?:sha256[:/])?([0-9a-f]{64})(?:\\.json)?");
    private final Path archive;
    private final String repoTag;
    private TarFile tar;

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
        tar = new TarFile(archive.toFile());
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        for (TarArchiveEntry e : tar.getEntries()) {
            entries.put(normal(e.getName()), e);
        }
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
            TarArchiveEntry e = entry(entries, l.asText(), what);
            Matcher lm = HEX_NAME.matcher(normal(l.asText()));
            Digest blobDigest = lm.matches() && l.asText().startsWith("blobs/") ? new Digest(lm.group(1)) : null;
            layers.add(new ResolvedImage.LayerBlob(blobDigest, e.getSize(), () -> tar.getInputStream(e)));
        }
        return new ResolvedImage(configDigest, configDigest, config, layers);
    }

    private byte[] read(Map<String, TarArchiveEntry> entries, String name, String what) throws IOException {
        TarArchiveEntry e = entry(entries, name, what);
        if (e.getSize() > Manifests.MAX_JSON) {
            throw new ContainerException(ErrorKind.RESOURCE_LIMIT, what + ": " + name + " is too big for JSON");
        }
        try (InputStream in = tar.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static TarArchiveEntry entry(Map<String, TarArchiveEntry> entries, String name, String what) {
        TarArchiveEntry e = entries.get(normal(name));
        if (e == null || !e.isFile()) {
            throw new ContainerException(ErrorKind.NOT_FOUND, what + ": no file " + name + " in the archive");
        }
        return e;
    }

    private static String normal(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (tar != null) {
            tar.close();
        }
    }
}
