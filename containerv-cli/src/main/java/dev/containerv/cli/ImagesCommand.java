package dev.containerv.cli;

import dev.containerv.images.Digest;
import dev.containerv.images.Image;
import dev.containerv.images.ImageStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code containerv images}: the stored images with their sizes. */
@Command(name = "images", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "List the images in the image store, with their sizes.",
        description = {
            "Lists every stored image: its name, image id (the digest of its configuration, first 12 digits), how many layers it has "
                    + "and their unpacked size. A layer shared by several images is stored once; the last line gives the size of the "
                    + "whole store."
        })
final class ImagesCommand implements Callable<Integer> {
    @ParentCommand
    private ContainervCommand root;

    @Mixin
    private ImageStoreOptions storeOptions;

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        ImageStore store = storeOptions.open(ctx);
        Map<Digest, Long> sizes = ImageStoreOptions.layerSizes(store);
        long storeBytes = sizes.values().stream().mapToLong(Long::longValue).sum();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"REFERENCE", "IMAGE ID", "LAYERS", "SIZE"});
        List<Image> images = store.images();
        for (Image i : images) {
            long bytes = i.layers().stream().mapToLong(d -> sizes.getOrDefault(d, 0L)).sum();
            boolean complete = i.layers().stream().allMatch(sizes::containsKey);
            rows.add(new String[] {i.reference(), i.configDigest().shortHex(), Integer.toString(i.layers().size()),
                Units.bytes(bytes) + (complete ? "" : " (layers missing: pull again)")});
        }
        Units.printTable(ctx.out(), rows, new boolean[] {false, false, true, false});
        ctx.out().println(images.size() + " image" + (images.size() == 1 ? "" : "s") + ", " + sizes.size() + " layer"
                + (sizes.size() == 1 ? "" : "s") + ", " + Units.bytes(storeBytes) + " in " + store.root());
        return ExitCodes.OK;
    }
}
