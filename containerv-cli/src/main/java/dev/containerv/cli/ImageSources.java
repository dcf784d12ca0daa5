package dev.containerv.cli;

import dev.containerv.images.Image;
import dev.containerv.images.ImageStore;
import dev.containerv.images.PullProgress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What an image argument ({@code REF}) names, in this order: an OCI image layout directory (it holds
 * {@code oci-layout}) or a {@code docker save} archive (a file), each imported and stored as
 * {@code localhost/<its file name>:latest}; else an image reference, taken from the store when it is there and
 * pulled from its registry when it is not ({@code pull} always asks the registry).
 */
final class ImageSources {
    private ImageSources() {
    }

    /** The image for {@code run} and {@code create}: stored images are used as they are, without the network. */
    static Image forRun(ImageStore store, String ref, CliContext context, PullProgress progress) {
        Optional<Path> local = localSource(ref, context);
        if (local.isPresent()) {
            return importLocal(store, local.get(), progress);
        }
        return store.find(ref).orElseGet(() -> store.pull(ref, progress));
    }

    /** The image for {@code pull}: a registry image is always asked for again (only missing layers are fetched). */
    static Image forPull(ImageStore store, String ref, CliContext context, PullProgress progress) {
        Optional<Path> local = localSource(ref, context);
        return local.isPresent() ? importLocal(store, local.get(), progress) : store.pull(ref, progress);
    }

    /** A file or directory the argument names on the host, if it names one. */
    static Optional<Path> localSource(String ref, CliContext context) {
        if (ref.isEmpty()) {
            return Optional.empty();
        }
        Path p;
        try {
            p = context.workingDir().resolve(ref);
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
        return Files.isRegularFile(p) || Files.isRegularFile(p.resolve("oci-layout")) ? Optional.of(p) : Optional.empty();
    }

    /** The name a local source is stored under: {@code localhost/<file name, lower case>:latest}. */
    static String storedName(Path source) {
        String base = source.toAbsolutePath().normalize().getFileName() == null ? "image"
                : source.toAbsolutePath().normalize().getFileName().toString().toLowerCase(Locale.ROOT);
        String name = base.replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return "localhost/" + (name.isEmpty() ? "image" : name) + ":latest";
    }

    private static Image importLocal(ImageStore store, Path source, PullProgress progress) {
        String name = storedName(source);
        return Files.isDirectory(source) ? store.importOciLayout(source, null, name, progress)
                : store.importDockerArchive(source, null, name, progress);
    }
}
