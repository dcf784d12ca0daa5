package dev.containerv.benchmarks;

/** Which provider the container benchmarks use. */
final class Runtimes {
    /** System property naming the provider; default {@code linux-ns}. */
    static final String PROPERTY = "containerv.bench.runtime";

    private Runtimes() {
    }

    static String name() {
        return System.getProperty(PROPERTY, "linux-ns");
    }
}
