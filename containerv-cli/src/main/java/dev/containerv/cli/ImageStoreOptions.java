package dev.containerv.cli;

import dev.containerv.images.Digest;
import dev.containerv.images.ImageStore;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@code --image-store}: where pulled and imported images live, for every command that uses images. */
final class ImageStoreOptions {
    /** The environment variable that names the image store when {@code --image-store} is not given. */
    static final String ENV = "CONTAINERV_IMAGE_STORE";
    /**
     * The default store. Not under linux-ns's layer root ({@code /var/lib/containerv}): a directory there is a
     * container's writable layer (a container with the id {@code images} would own it), and linux-ns refuses root
     * layers inside its own directories.
     */
    static final Path DEFAULT = Path.of("/var/lib/containerv-images");

    @Option(names = "--image-store", paramLabel = "DIR",
            description = "The image store: unpacked layers and image records. Default: $" + ENV + ", else /var/lib/containerv-images.")
    Path store;

    /** The store these options name, made if missing. */
    ImageStore open(CliContext context) {
        Path root = store != null ? context.workingDir().resolve(store) : fromEnv(context).orElse(DEFAULT);
        return ImageStore.builder().root(root).build();
    }

    /** The unpacked size of every layer in the store, by digest. */
    static Map<Digest, Long> layerSizes(ImageStore store) {
        Map<Digest, Long> sizes = new HashMap<>();
        store.layers().forEach(l -> sizes.put(l.digest(), l.bytes()));
        return sizes;
    }

    private static Optional<Path> fromEnv(CliContext context) {
        String value = context.hostEnv().apply(ENV);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(context.workingDir().resolve(value));
    }
}
