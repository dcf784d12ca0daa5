package dev.containerv.cli;

import dev.containerv.api.ProcessSpec;
import dev.containerv.images.Image;

import java.util.List;
import java.util.Optional;

/** The process of {@code run}: the words given, or with {@code --image} the image's command line and defaults. */
final class ImageRun {
    private ImageRun() {
    }

    /** The process spec, or null after printing a usage error when there is no command to run. */
    static ProcessSpec processSpec(CliContext ctx, ContainerOptions container, ProcessOptions process, List<String> words) {
        Optional<Image> image = container.image(ctx);
        if (image.isEmpty()) {
            if (words.isEmpty()) {
                ctx.err().println("containerv: run needs a COMMAND (or --image REF of an image with a default command)");
                return null;
            }
            return process.toSpec(ctx, words);
        }
        List<String> line = image.get().config().command(words);
        if (line.isEmpty()) {
            ctx.err().println("containerv: the image " + image.get().reference() + " has no default command (no Entrypoint or Cmd); "
                    + "give one after --");
            return null;
        }
        return ImageDefaults.apply(process.toSpec(ctx, line), image.get().config());
    }
}
