package dev.containerv.testkit;

import dev.containerv.testkit.reference.Flaw;

import java.util.Set;
import java.util.function.Function;

/**
 * The reference provider declaring no capability (it never does) and no feature ({@link Flaw#DECLARES_NO_FEATURES}),
 * though it has some. Against it, every {@code optional_} rule must be skipped for want of a declaration and no
 * {@code required_} rule may be: that is what the two classes mean. Run only by {@link ConformanceSuiteMetaTest}.
 */
class SuiteOfAProviderThatDeclaresNothing extends ReferenceSuite {
    SuiteOfAProviderThatDeclaresNothing() {
        super("host-process-declaring-nothing", Set.of(Flaw.DECLARES_NO_FEATURES));
    }

    @Override
    protected Function<String, String> environment() {
        return name -> null;
    }
}
