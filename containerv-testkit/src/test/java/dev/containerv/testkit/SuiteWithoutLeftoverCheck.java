package dev.containerv.testkit;

import java.util.Set;
import java.util.function.Function;

/**
 * A provider's suite that does not look for debris ({@link #hostLeftovers(String)} keeps its empty answer): the
 * test about debris must say so by skipping, not pass having looked at nothing. Run only by
 * {@link ConformanceSuiteMetaTest}.
 */
class SuiteWithoutLeftoverCheck extends ReferenceSuite {
    SuiteWithoutLeftoverCheck() {
        super("host-process-unchecked", Set.of());
    }

    @Override
    protected Function<String, String> environment() {
        return name -> null;
    }
}
