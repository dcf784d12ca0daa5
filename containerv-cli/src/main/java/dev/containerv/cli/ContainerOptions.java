package dev.containerv.cli;

import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.Layer;
import dev.containerv.images.Image;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The options of {@code run} and {@code create} that make the {@link ContainerSpec}. */
final class ContainerOptions {
    /** The host's own root: read-only under a private writable layer, so a command works without an image. */
    static final Path DEFAULT_ROOTFS = Path.of("/");

    @Option(names = "--id", paramLabel = "ID",
            description = "The container id: 1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit. Default: cv- and 12 random hex digits.")
    String id;

    @Option(names = "--rootfs", paramLabel = "DIR",
            description = "The host directory that is the container's root file system; it is never written to (writes go to a private layer). "
                    + "Default: / (a read-only view of the host's own root with a private writable layer).")
    Path rootfs;

    @Option(names = "--image", paramLabel = "REF",
            description = "Runs on an image's root instead of --rootfs: an image reference (taken from the image store, pulled when it "
                    + "is not there), an OCI image layout directory or a `docker save` archive. Its layers are the read-only root, "
                    + "with a private writable layer over them.")
    String image;

    @Mixin
    ImageStoreOptions imageStore;

    private Image resolvedImage;

    @Option(names = "--hostname", paramLabel = "NAME", description = "The container's host name. Default: the id.")
    String hostname;

    @Option(names = "--bind", paramLabel = "HOST:CONTAINER[:ro|rw]", converter = Args.BindConverter.class,
            description = "Makes a host directory visible at a container path, read-write unless :ro is given. Repeatable.")
    List<Args.Bind> binds = new ArrayList<>();

    @Option(names = "--tmpfs", paramLabel = "PATH[:SIZE]", converter = Args.TmpfsConverter.class,
            description = "Mounts an empty in-memory file system at PATH, of at most SIZE (64M, 1G, max). Repeatable.")
    List<Args.Tmpfs> tmpfs = new ArrayList<>();

    @Option(names = "--read-only",
            description = "The root file system is read-only, with no writable layer (as docker run --read-only): writes to it fail "
                    + "(EROFS), --tmpfs and read-write --bind paths stay writable, and each of their mount points must already exist "
                    + "in the root.")
    boolean readOnly;

    @Option(names = "--cap", paramLabel = "CAPABILITY", split = ",",
            description = "The isolation to ask for, replacing the default (FILESYSTEM, PROCESS_CONTROL, IPC); repeatable or "
                    + "comma-separated. One of: ${COMPLETION-CANDIDATES} (any case). Without NETWORK the container shares "
                    + "the host's network, 127.0.0.1 services included; with NETWORK it has its own stack with lo only.")
    List<Capability> capabilities = new ArrayList<>();

    /**
     * The image of {@code --image}, imported or pulled on first use (its progress on standard error); empty without
     * {@code --image}.
     */
    Optional<Image> image(CliContext context) {
        if (image == null) {
            return Optional.empty();
        }
        if (resolvedImage == null) {
            resolvedImage = ImageSources.forRun(imageStore.open(context), image, context, PullProgressPrinter.to(context.err()));
        }
        return Optional.of(resolvedImage);
    }

    /** The spec these options describe. Relative host paths are resolved against the context's working directory. */
    ContainerSpec toSpec(CliContext context, boolean persistent) {
        ContainerSpec.Builder b = ContainerSpec.builder().persistent(persistent);
        Optional<Image> img = image(context);
        if (img.isPresent()) {
            if (rootfs != null) {
                throw ContainerException.invalidSpec("--rootfs", rootfs, "either --rootfs or --image, not both");
            }
            b.rootfsLayers(img.get().layerDirs());
        } else {
            b.rootfs(rootfs == null ? DEFAULT_ROOTFS : context.workingDir().resolve(rootfs));
        }
        if (id != null) {
            b.id(id);
        }
        if (hostname != null) {
            b.hostname(hostname);
        }
        b.readOnlyRoot(readOnly);
        // Binds first, then tmpfs, each in command-line order: the mount order a user can predict.
        for (Args.Bind bind : binds) {
            b.layer(Layer.hostDirectory(context.workingDir().resolve(bind.hostPath()), bind.containerPath(), bind.access()));
        }
        for (Args.Tmpfs t : tmpfs) {
            b.layer(t.size().map(size -> Layer.tmpfs(t.containerPath(), size)).orElseGet(() -> Layer.tmpfs(t.containerPath())));
        }
        if (!capabilities.isEmpty()) {
            b.capabilities(capabilities.toArray(new Capability[0]));
        }
        return b.build();
    }
}
