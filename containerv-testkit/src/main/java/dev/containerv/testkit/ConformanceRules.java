package dev.containerv.testkit;

/**
 * What every area of the conformance suite builds on. Each area is an interface of its own
 * ({@link LifecycleRules}, {@link ProcessRules}, {@link FileRules}, {@link CopyRules}, {@link IsolationRules}, {@link ResourceRules},
 * {@link NetworkRules}, {@link ErrorRules}) whose rules are JUnit default {@code @Test} methods;
 * {@link ContainerConformanceSuite} implements them all, so a provider still extends one class.
 *
 * <p>Rules are named {@code <class>_<area>_<what>}. {@code required_} rules hold for every provider;
 * {@code optional_} rules first require a capability or feature a provider may legitimately lack, and are
 * skipped, with that reason, for a provider that does not declare it.
 */
public interface ConformanceRules {
    /** The machinery of the suite running the rules: the provider under test, the containers a test made, skips. */
    ConformanceSupport tck();
}
