package dev.containerv.testkit;

import dev.containerv.testkit.reference.Flaw;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The suite against the reference host-process provider, with the flaws the current meta-test chose. Not a
 * test of its own (surefire does not pick it up by name): {@link ConformanceSuiteMetaTest} runs it through
 * {@code EngineTestKit} after {@link #configure}.
 */
class HostProcessSuite extends ReferenceSuite {
    private static volatile Set<Flaw> flaws = EnumSet.noneOf(Flaw.class);
    private static volatile Function<String, String> environment = name -> null;

    HostProcessSuite() {
        super(nameFor(flaws), flaws);
    }

    private static String nameFor(Set<Flaw> chosen) {
        return chosen.isEmpty() ? "host-process"
                : "host-process-" + chosen.stream().map(f -> f.name().toLowerCase().replace('_', '-')).collect(Collectors.joining("+"));
    }

    /** The flaws and the environment of the next runs; the meta-tests run one at a time. */
    static void configure(Set<Flaw> withFlaws, Function<String, String> env) {
        flaws = withFlaws.isEmpty() ? EnumSet.noneOf(Flaw.class) : EnumSet.copyOf(withFlaws);
        environment = env;
    }

    @Override
    protected Optional<List<String>> hostLeftovers(String containerId) {
        List<String> left = new ArrayList<>();
        Path root = referenceRuntime().rootOf(containerId);
        if (Files.exists(root)) {
            left.add("root directory " + root);
        }
        return Optional.of(left);
    }

    @Override
    protected Function<String, String> environment() {
        return environment;
    }
}
