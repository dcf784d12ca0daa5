package dev.containerv.cli;

import dev.containerv.images.Image;
import dev.containerv.images.ImageStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code containerv pull}: an image into the store, layer by layer. */
@Command(name = "pull", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Pull an image into the image store.",
        description = {
            "Fetches an image from its registry (only the layers the store lacks), or imports an OCI image layout directory or a "
                    + "`docker save` archive, and unpacks each layer once into the store. On a terminal each layer shows its bytes "
                    + "and rate as it comes; otherwise each layer gets one line when it is done. Prints the stored name and image id last.",
            "",
            "Example: containerv pull 127.0.0.1:5000/tools:1"
        })
final class PullCommand implements Callable<Integer> {
    @ParentCommand
    private ContainervCommand root;

    @Mixin
    private ImageStoreOptions storeOptions;

    @Parameters(paramLabel = "REF", description = "An image reference (busybox, 127.0.0.1:5000/repo:tag, ...@sha256:...), an OCI "
            + "image layout directory, or a `docker save` archive.")
    private String ref;

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        ImageStore store = storeOptions.open(ctx);
        PullProgressPrinter progress = PullProgressPrinter.to(ctx.out());
        Image image = ImageSources.forPull(store, ref, ctx, progress);
        ctx.out().println(progress.summary());
        ctx.out().println(image.reference() + "  " + image.configDigest());
        return ExitCodes.OK;
    }
}
