package dev.containerv.cli;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.images.ImageStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code containerv rmi}: forgets stored images; their layers go with {@code prune}. */
@Command(name = "rmi", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Remove images from the image store.",
        description = {
            "Forgets each named image and prints its name. Its layers stay until `containerv prune` removes the layers no stored "
                    + "image uses. A name that is not stored is an error (exit 120), after the others are removed."
        })
final class RmiCommand implements Callable<Integer> {
    @ParentCommand
    private ContainervCommand root;

    @Mixin
    private ImageStoreOptions storeOptions;

    @Parameters(paramLabel = "REF", arity = "1..*", description = "Stored image names, as `containerv images` lists them (busybox means docker.io/library/busybox:latest).")
    private List<String> refs;

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        ImageStore store = storeOptions.open(ctx);
        String missing = null;
        for (String ref : refs) {
            if (store.remove(ref)) {
                ctx.out().println(ref);
            } else if (missing == null) {
                missing = ref;
            }
        }
        if (missing != null) {
            throw new ContainerException(ErrorKind.NOT_FOUND, "no image " + missing + " in the image store " + store.root()
                    + " (see containerv images)");
        }
        return ExitCodes.OK;
    }
}
