package dev.containerv.images;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.images.internal.DockerArchiveSource;
import dev.containerv.images.internal.ImageSource;
import dev.containerv.images.internal.Json;
import dev.containerv.images.internal.LayerCache;
import dev.containerv.images.internal.LayerUnpacker;
import dev.containerv.images.internal.Manifests;
import dev.containerv.images.internal.OciLayoutSource;
import dev.containerv.images.internal.ParallelLayers;
import dev.containerv.images.internal.RegistrySource;
import dev.containerv.images.internal.ResolvedImage;
import dev.containerv.images.internal.VerifyingInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Images on this machine: pulled from registries or imported from OCI layouts and {@code docker save} archives,
 * their layers unpacked once into a content-addressed cache shared by every image.
 *
 * <p>Layout of the store's directory: {@code layers/sha256/<hex>/} each unpacked layer by uncompressed digest;
 * {@code images/<hex>.json} one record per stored name (reference, digests, config, layers);
 * {@code locks/} and {@code tmp/} for safe concurrent pulls. Several threads and processes may use one store.
 *
 * <pre>{@code
 * ImageStore store = ImageStore.builder().root(Path.of("/var/lib/containerv/images")).build();
 * Image image = store.pull("127.0.0.1:5000/tools:1", PullProgress.NONE);
 * image.layerDirs();            // the container's read-only root layers, top first
 * image.config().defaultCommand();
 * }</pre>
 */
public final class ImageStore {
    private final Path root;
    private final Path records;
    private final LayerCache cache;
    private final Set<String> plainHttpRegistries;
    private final Path dockerConfig;
    private final Duration timeout;
    private final int parallelLayers;

    private ImageStore(Builder b) throws IOException {
        this.root = b.root;
        this.records = Files.createDirectories(root.resolve("images"));
        this.cache = new LayerCache(root, new LayerUnpacker(b.maxLayerBytes, b.maxLayerEntries));
        this.plainHttpRegistries = Set.copyOf(b.plainHttpRegistries);
        this.dockerConfig = b.dockerConfig;
        this.timeout = b.timeout;
        this.parallelLayers = b.parallelLayers;
    }

    /** @return a builder; {@link Builder#root(Path)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the store's directory */
    public Path root() {
        return root;
    }

    /**
     * Pulls an image from its registry (only the layers not in the cache are downloaded) and stores it under
     * its reference.
     *
     * @param reference the image reference ({@code 127.0.0.1:5000/repo:tag})
     * @param progress  told of each layer
     * @return the stored image
     * @throws ContainerException NOT_FOUND for an unknown repository or tag, PERMISSION_DENIED when the registry
     *                            refuses the credentials, PLATFORM_FAILURE for a network failure or a blob that
     *                            does not verify
     */
    public Image pull(String reference, PullProgress progress) {
        ImageReference ref = ImageReference.parse(reference);
        boolean plain = ref.isLoopback() || plainHttpRegistries.contains(ref.registry());
        return store(ref.toString(), new RegistrySource(ref, plain, dockerConfig, timeout), progress);
    }

    /**
     * Imports an image from an OCI image layout directory.
     *
     * @param layout the layout directory
     * @param tag    its {@code org.opencontainers.image.ref.name}, or null for the layout's only image
     * @param name   the name to store it under
     * @param progress told of each layer
     * @return the stored image
     */
    public Image importOciLayout(Path layout, String tag, String name, PullProgress progress) {
        return store(ImageReference.parse(name).toString(), new OciLayoutSource(layout, tag), progress);
    }

    /**
     * Imports an image from a {@code docker save} archive.
     *
     * @param archive  the archive
     * @param repoTag  the {@code RepoTags} entry to import, or null for the archive's only image
     * @param name     the name to store it under
     * @param progress told of each layer
     * @return the stored image
     */
    public Image importDockerArchive(Path archive, String repoTag, String name, PullProgress progress) {
        return store(ImageReference.parse(name).toString(), new DockerArchiveSource(archive, repoTag), progress);
    }

    private Image store(String name, ImageSource source, PullProgress progress) {
        Objects.requireNonNull(progress, "progress");
        try (source) {
            ResolvedImage r = source.resolve();
            List<Digest> diffIds = Manifests.diffIds(r.configJson(), name);
            if (diffIds.size() != r.layers().size()) {
                throw new ContainerException(ErrorKind.INVALID_SPEC, name + ": the manifest lists "
                        + r.layers().size() + " layers, the config " + diffIds.size() + " diff_ids");
            }
            ParallelLayers.ensureAll(cache, diffIds, r.layers(), name, progress, parallelLayers);
            List<Digest> topFirst = new ArrayList<>(diffIds);
            Collections.reverse(topFirst);
            Image image = image(name, r.manifestDigest(), r.configDigest(), Manifests.runConfig(r.configJson(), name), topFirst);
            writeRecord(image, r.configJson());
            return image;
        } catch (VerifyingInputStream.BlobMismatchException e) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, e.getMessage() + " (nothing of it was kept)", e);
        } catch (IOException e) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, name + ": " + e.getMessage(), e);
        }
    }

    private Image image(String name, Digest manifest, Digest config, ImageConfig run, List<Digest> topFirst) {
        return new Image(name, manifest, config, run, topFirst, topFirst.stream().map(cache::layerDir).toList());
    }

    /**
     * The stored image of a name, if all its layers are in the cache.
     *
     * @param reference the image reference (normalised as {@link ImageReference#parse} does)
     * @return the image
     */
    public Optional<Image> find(String reference) {
        Path record = recordPath(ImageReference.parse(reference).toString());
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        Image image = readRecord(record);
        return image.layers().stream().allMatch(cache::contains) ? Optional.of(image) : Optional.empty();
    }

    /**
     * @return every stored image, by name
     */
    public List<Image> images() {
        var out = new ArrayList<Image>();
        try (Stream<Path> s = Files.list(records)) {
            s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(p -> out.add(readRecord(p)));
        } catch (IOException e) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "image store " + root + ": " + e.getMessage(), e);
        }
        out.sort((a, b) -> a.reference().compareTo(b.reference()));
        return out;
    }

    /**
     * @return every unpacked layer with its size
     */
    public List<CachedLayer> layers() {
        try {
            var out = new ArrayList<CachedLayer>();
            for (Digest d : cache.list()) {
                out.add(new CachedLayer(d, cache.layerDir(d), cache.size(d)));
            }
            return out;
        } catch (IOException e) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "image store " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Forgets a stored name; its layers stay until {@link #prune()}.
     *
     * @param reference the name
     * @return true when the name was stored
     */
    public boolean remove(String reference) {
        try {
            return Files.deleteIfExists(recordPath(ImageReference.parse(reference).toString()));
        } catch (IOException e) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "image store " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes every layer no stored image references. A container still running on such a layer keeps its
     * mount, but a new one cannot start from it: remove names only for images no container is created from.
     *
     * @return the layers removed
     */
    public List<Digest> prune() {
        Set<Digest> used = new HashSet<>();
        for (Image i : images()) {
            used.addAll(i.layers());
        }
        var removed = new ArrayList<Digest>();
        try {
            for (Digest d : cache.list()) {
                if (!used.contains(d)) {
                    cache.remove(d);
                    removed.add(d);
                }
            }
        } catch (IOException e) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "image store " + root + ": " + e.getMessage(), e);
        }
        return removed;
    }

    private Path recordPath(String name) {
        return records.resolve(Digest.of(name.getBytes(StandardCharsets.UTF_8)).hex() + ".json");
    }

    private void writeRecord(Image image, byte[] configJson) throws IOException {
        var n = new LinkedHashMap<String, Json>();
        n.put("reference", Json.text(image.reference()));
        n.put("manifestDigest", Json.text(image.manifestDigest().toString()));
        n.put("configDigest", Json.text(image.configDigest().toString()));
        n.put("layers", Json.array(image.layers().stream().map(d -> Json.text(d.toString())).toList()));
        n.put("config", Json.parse(configJson));
        Path target = recordPath(image.reference());
        Path temp = Files.createTempFile(records, "record", ".tmp");
        try {
            Files.write(temp, Json.object(n).toBytes(true));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Image readRecord(Path record) {
        try {
            Json n = Json.parse(Files.readAllBytes(record));
            var layers = new ArrayList<Digest>();
            n.path("layers").forEach(l -> layers.add(Digest.parse(l.asText())));
            byte[] config = n.path("config").toBytes(false);
            String name = n.path("reference").asText();
            return image(name, Digest.parse(n.path("manifestDigest").asText()),
                    Digest.parse(n.path("configDigest").asText()), Manifests.runConfig(config, name), layers);
        } catch (IOException e) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "image record " + record + ": " + e.getMessage(), e);
        }
    }

    /**
     * An unpacked layer.
     *
     * @param digest its uncompressed digest
     * @param dir    its directory
     * @param bytes  the bytes of its regular files
     */
    public record CachedLayer(Digest digest, Path dir, long bytes) {
    }

    /** Builds an {@link ImageStore}. */
    public static final class Builder {
        private Path root;
        private long maxLayerBytes = 64L << 30;
        private long maxLayerEntries = 2_000_000;
        private final Set<String> plainHttpRegistries = new HashSet<>();
        private Path dockerConfig = Path.of(System.getProperty("user.home"), ".docker", "config.json");
        private Duration timeout = Duration.ofMinutes(5);
        private int parallelLayers = 3;

        private Builder() {
        }

        /**
         * @param root the store's directory (made when missing); required
         * @return this builder
         */
        public Builder root(Path root) {
            this.root = root;
            return this;
        }

        /**
         * @param bytes most uncompressed bytes one layer may unpack to (default 64 GiB), against decompression bombs:
         *              the tar's bytes, and apart the file bytes written (a sparse entry's holes are written out)
         * @return this builder
         */
        public Builder maxLayerBytes(long bytes) {
            this.maxLayerBytes = bytes;
            return this;
        }

        /**
         * @param entries most tar entries one layer may hold (default 2,000,000)
         * @return this builder
         */
        public Builder maxLayerEntries(long entries) {
            this.maxLayerEntries = entries;
            return this;
        }

        /**
         * Lets a registry that is not on loopback be reached over plain HTTP (loopback registries always are).
         *
         * @param registry {@code host[:port]} as the reference names it
         * @return this builder
         */
        public Builder plainHttpRegistry(String registry) {
            this.plainHttpRegistries.add(Objects.requireNonNull(registry, "registry"));
            return this;
        }

        /**
         * @param config a Docker {@code config.json} whose {@code auths} give basic credentials (default
         *               {@code ~/.docker/config.json}; a missing file means anonymous)
         * @return this builder
         */
        public Builder dockerConfig(Path config) {
            this.dockerConfig = config;
            return this;
        }

        /**
         * @param timeout how long one registry request may take (default 5 minutes)
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * @param layers most layers of one pull or import streamed (downloaded, verified and unpacked) at once, each
         *               on its own thread (default 3, as Docker's concurrent downloads; 1 streams them one by one)
         * @return this builder
         */
        public Builder parallelLayers(int layers) {
            this.parallelLayers = layers;
            return this;
        }

        /**
         * @return the store
         * @throws ContainerException INVALID_SPEC naming a missing or bad field; PLATFORM_FAILURE when the
         *                            directory cannot be made
         */
        public ImageStore build() {
            if (root == null) {
                throw ContainerException.invalidSpec("root", null, "the image store's directory");
            }
            if (maxLayerBytes <= 0) {
                throw ContainerException.invalidSpec("maxLayerBytes", maxLayerBytes, "a positive byte count");
            }
            if (maxLayerEntries <= 0) {
                throw ContainerException.invalidSpec("maxLayerEntries", maxLayerEntries, "a positive count");
            }
            if (parallelLayers < 1) {
                throw ContainerException.invalidSpec("parallelLayers", parallelLayers, "a count of at least 1");
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw ContainerException.invalidSpec("requestTimeout", timeout, "a positive duration");
            }
            try {
                return new ImageStore(this);
            } catch (IOException e) {
                throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "image store " + root + ": " + e.getMessage(), e);
            }
        }
    }
}
