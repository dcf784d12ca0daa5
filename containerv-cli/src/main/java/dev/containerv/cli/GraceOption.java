package dev.containerv.cli;

import dev.containerv.api.Container;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * A grace period in seconds given on the command line ({@code rm --time}, {@code run --stop-timeout}): checked before
 * anything is done, then the destroy that uses it (the runtime's own grace when none is given).
 */
final class GraceOption {
    private static final System.Logger LOG = System.getLogger(GraceOption.class.getName());

    private GraceOption() {
    }

    /** Rejects a negative number of seconds as a usage error naming {@code option}, the value and what is accepted. */
    static void check(CommandSpec spec, String option, Integer seconds) {
        if (seconds != null && seconds < 0) {
            throw new ParameterException(spec.commandLine(), option + ": " + seconds + " is negative; give 0 or more seconds");
        }
    }

    /** Destroys {@code c} with {@code seconds} of grace, or the runtime's own when {@code null}, and logs how long it took. */
    static void destroy(Container c, Integer seconds) {
        long started = System.nanoTime();
        if (seconds != null) {
            c.destroyWithGrace(Duration.ofSeconds(seconds));
        } else {
            c.destroy();
        }
        LOG.log(Level.INFO, "destroyed container {0} in {1} ms", c.id(), (System.nanoTime() - started) / 1_000_000);
    }
}
