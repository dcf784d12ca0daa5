package dev.containerv.cli;

import dev.containerv.images.Digest;
import dev.containerv.images.ImageStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code containerv prune}: removes the layers no stored image uses. */
@Command(name = "prune", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Remove the layers no stored image uses.",
        description = {
            "Removes every unpacked layer of the image store that no stored image references (after `containerv rmi`), prints each "
                    + "one and the space freed. Do not prune the layers of an image a container is being created from: a running "
                    + "container keeps its mount, a new one cannot start."
        })
final class PruneCommand implements Callable<Integer> {
    @ParentCommand
    private ContainervCommand root;

    @Mixin
    private ImageStoreOptions storeOptions;

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        ImageStore store = storeOptions.open(ctx);
        Map<Digest, Long> sizes = ImageStoreOptions.layerSizes(store);
        List<Digest> removed = store.prune();
        long freed = 0;
        for (Digest d : removed) {
            ctx.out().println(d);
            freed += sizes.getOrDefault(d, 0L);
        }
        ctx.out().println(removed.size() + " layer" + (removed.size() == 1 ? "" : "s") + " removed, " + Units.bytes(freed) + " freed");
        return ExitCodes.OK;
    }
}
