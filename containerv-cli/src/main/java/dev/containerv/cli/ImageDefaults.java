package dev.containerv.cli;

import dev.containerv.api.ProcessSpec;
import dev.containerv.images.ImageConfig;

import java.util.Optional;

/**
 * What {@code run --image} takes from the image's configuration, as {@code docker run} does: the command line
 * (arguments given replace {@code Cmd} and follow {@code Entrypoint}), and {@code Env}, {@code WorkingDir} and
 * {@code User} wherever the command line does not give its own ({@code --env NAME} wins over the image's NAME).
 */
final class ImageDefaults {
    private ImageDefaults() {
    }

    /** {@code given} with the image's environment, working directory and user where it has none of its own. */
    static ProcessSpec apply(ProcessSpec given, ImageConfig config) {
        ProcessSpec.Builder b = given.toBuilder();
        config.envMap().forEach((name, value) -> {
            if (!given.environment().containsKey(name)) {
                b.environment(name, value);
            }
        });
        if (given.workingDirectory().isEmpty()) {
            config.workingDirectory().ifPresent(b::workingDirectory);
        }
        if (given.user().isEmpty()) {
            Optional.of(config.user()).filter(u -> !u.isEmpty()).ifPresent(b::user);
        }
        return b.build();
    }
}
