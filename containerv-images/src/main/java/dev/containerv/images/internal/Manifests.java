package dev.containerv.images.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.images.Digest;
import dev.containerv.images.ImageConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads OCI and Docker manifests, indexes and image configurations, and walks an index down to the manifest for
 * this host's platform. Every manifest and config read through {@link Fetcher} is verified against its descriptor.
 */
public final class Manifests {
    /** Media types accepted in an {@code Accept} header. */
    public static final List<String> MANIFEST_TYPES = List.of(
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    /** JSON documents (manifests, configs) bigger than this are refused rather than read into memory. */
    static final long MAX_JSON = 16L << 20;

    private Manifests() {
    }

    /** Fetches a manifest or blob's raw bytes by descriptor. */
    @FunctionalInterface
    public interface Fetcher {
        /**
         * @param d        what to fetch
         * @param manifest true for a manifest or index (registries serve those from another path)
         * @return the raw stream
         * @throws IOException when it cannot be read
         */
        InputStream open(Descriptor d, boolean manifest) throws IOException;
    }

    /**
     * Resolves a manifest or index down to this platform's manifest, and reads its config.
     *
     * @param bytes  the top manifest or index, already verified
     * @param digest its digest
     * @param f      fetches what it points to
     * @param what   the image's name for errors
     * @return the resolved image
     * @throws IOException when something cannot be read or does not verify
     */
    public static ResolvedImage resolve(byte[] bytes, Digest digest, Fetcher f, String what) throws IOException {
        Json node = parse(bytes, what + " manifest " + digest);
        for (int depth = 0; isIndex(node); depth++) {
            if (depth > 4) {
                throw new ContainerException(ErrorKind.INVALID_SPEC, what + ": indexes nested deeper than 4");
            }
            Descriptor d = selectPlatform(node, what);
            bytes = readVerified(f.open(d, true), d, what + " manifest " + d.digest());
            digest = d.digest();
            node = parse(bytes, what + " manifest " + digest);
        }
        Descriptor config = descriptor(node.path("config"), what + " manifest " + digest + " config");
        byte[] configJson = readVerified(f.open(config, false), config, what + " config " + config.digest());
        var layers = new ArrayList<ResolvedImage.LayerBlob>();
        for (Json l : node.path("layers")) {
            Descriptor d = descriptor(l, what + " manifest " + digest + " layer");
            checkLayerType(d, what);
            layers.add(new ResolvedImage.LayerBlob(d.digest(), d.size(), () -> f.open(d, false)));
        }
        return new ResolvedImage(digest, config.digest(), configJson, layers);
    }

    static boolean isIndex(Json node) {
        String mt = node.path("mediaType").asText("");
        return mt.contains("index") || mt.contains("manifest.list") || (node.has("manifests") && !node.has("layers"));
    }

    /** Picks the manifest for this host (linux and its architecture) from an index. */
    static Descriptor selectPlatform(Json index, String what) {
        String arch = hostArchitecture();
        var seen = new ArrayList<String>();
        for (Json m : index.path("manifests")) {
            Json p = m.path("platform");
            if (p.isMissingNode()) {
                // An index without platforms (an OCI layout's own index.json, say) has one candidate.
                if (index.path("manifests").size() == 1) {
                    return descriptor(m, what + " index");
                }
                continue;
            }
            String os = p.path("os").asText("");
            String a = p.path("architecture").asText("");
            seen.add(os + "/" + a);
            if (os.equals("linux") && a.equals(arch)) {
                return descriptor(m, what + " index");
            }
        }
        throw new ContainerException(ErrorKind.NOT_SUPPORTED,
                what + ": no manifest for linux/" + arch + " (the index has " + seen + ")");
    }

    /** @return the host's architecture in OCI's words (amd64, arm64, ...) */
    static String hostArchitecture() {
        String a = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> a;
        };
    }

    static void checkLayerType(Descriptor d, String what) {
        String mt = d.mediaType();
        if (mt.contains("foreign") || mt.contains("nondistributable")) {
            throw new ContainerException(ErrorKind.NOT_SUPPORTED,
                    what + ": layer " + d.digest() + " is a foreign layer (" + mt + "), which is never pulled");
        }
    }

    static Descriptor descriptor(Json n, String what) {
        Json digest = n.path("digest");
        Json size = n.path("size");
        if (!digest.isTextual() || !size.canConvertToLong()) {
            throw new ContainerException(ErrorKind.INVALID_SPEC, what + ": descriptor digest " + shown(digest) + ", size "
                    + shown(size) + "; a descriptor needs digest as a string (algorithm:hex) and size as a whole number of bytes");
        }
        long bytes = size.asLong();
        if (bytes < 0) {
            throw new ContainerException(ErrorKind.INVALID_SPEC, what + ": descriptor size " + bytes
                    + "; a size of 0 bytes or more is accepted");
        }
        return new Descriptor(n.path("mediaType").asText(""), Digest.parse(digest.asText()), bytes);
    }

    private static String shown(Json value) {
        return value.isMissingNode() ? "(missing)" : value.toString();
    }

    /** Reads a small blob whole, verifying it. */
    static byte[] readVerified(InputStream raw, Descriptor d, String what) throws IOException {
        if (d.size() > MAX_JSON) {
            throw new ContainerException(ErrorKind.RESOURCE_LIMIT, what + ": " + d.size() + " bytes, more than "
                    + MAX_JSON + " for a manifest or config");
        }
        try (var in = new VerifyingInputStream(raw, d.digest(), d.size(), what, n -> { })) {
            byte[] bytes = in.readAllBytes();
            in.drain();
            return bytes;
        }
    }

    static Json parse(byte[] bytes, String what) {
        try {
            Json n = Json.parse(bytes);
            if (!n.isObject() && !n.isArray()) {
                throw new ContainerException(ErrorKind.INVALID_SPEC, what + ": not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ContainerException(ErrorKind.INVALID_SPEC, what + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * @param configJson an image configuration
     * @param what       the image's name for errors
     * @return the uncompressed layer digests it lists ({@code rootfs.diff_ids}), bottom first
     */
    public static List<Digest> diffIds(byte[] configJson, String what) {
        var ids = new ArrayList<Digest>();
        for (Json d : parse(configJson, what + " config").path("rootfs").path("diff_ids")) {
            ids.add(Digest.parse(d.asText()));
        }
        return ids;
    }

    /**
     * @param configJson an image configuration
     * @param what       the image's name for errors
     * @return what it says about running the image
     */
    public static ImageConfig runConfig(byte[] configJson, String what) {
        Json c = parse(configJson, what + " config").path("config");
        return new ImageConfig(strings(c.path("Env")), strings(c.path("Entrypoint")), strings(c.path("Cmd")),
                c.path("WorkingDir").asText(""), c.path("User").asText(""));
    }

    private static List<String> strings(Json array) {
        var out = new ArrayList<String>();
        for (Json s : array) {
            out.add(s.asText());
        }
        return out;
    }
}
