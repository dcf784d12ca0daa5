package dev.containerv.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Collects the outcome of every conformance test and, after the suite, writes the parity report
 * {@code target/conformance-<provider>.md}: passed, skipped and failed per area and per class of rule
 * ({@code required}, {@code optional}), every failure with its message, every skip with its reason, and then
 * every test with its area, class and outcome. Registered on {@link ContainerConformanceSuite}.
 */
public final class ConformanceReport implements TestWatcher, AfterAllCallback {
    /** Outcome of one test. */
    public enum Outcome {
        /** The test passed. */
        PASSED,
        /** The test was skipped, with its reason. */
        SKIPPED,
        /** The test failed. */
        FAILED
    }

    /** One test's result. */
    public record Result(String area, String test, Outcome outcome, String detail) {
        /** The class of the test's rule, from its name (see {@link #ruleClassOf}). */
        public String ruleClass() {
            return ruleClassOf(test);
        }
    }

    /** The classes of rule a test name may start with, as the reactive-streams TCK names them. */
    private static final List<String> RULE_CLASSES = List.of("required", "optional", "untested");

    private static final Comparator<Result> BY_AREA_THEN_NAME = Comparator.comparing(Result::area).thenComparing(Result::test);

    private final List<Result> results = new ArrayList<>();

    /** The area of a test from its name: {@code required_lifecycle_x} and {@code optional_lifecycle_x} are in {@code lifecycle}. */
    public static String areaOf(String methodName) {
        String[] parts = methodName.split("_", 3);
        return parts.length >= 3 ? parts[1] : "other";
    }

    /**
     * The class of a rule from its name: {@code required_lifecycle_x} is {@code required}, {@code optional_network_x}
     * is {@code optional} (likewise {@code untested}); a name without one of these prefixes is {@code other}.
     */
    public static String ruleClassOf(String methodName) {
        int end = methodName.indexOf('_');
        String prefix = end < 0 ? "" : methodName.substring(0, end);
        return RULE_CLASSES.contains(prefix) ? prefix : "other";
    }

    private void record(ExtensionContext context, Outcome outcome, String detail) {
        String name = context.getRequiredTestMethod().getName();
        add(new Result(areaOf(name), name, outcome, detail == null ? "" : detail));
    }

    /** Adds one result (the suite does it through the {@link TestWatcher} callbacks). */
    synchronized void add(Result result) {
        results.add(result);
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, Outcome.PASSED, null);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        record(context, Outcome.SKIPPED, cause == null ? null : cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        record(context, Outcome.SKIPPED, reason.orElse("disabled"));
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, Outcome.FAILED, cause == null ? null : String.valueOf(cause));
    }

    /** The results so far. */
    public synchronized List<Result> results() {
        return List.copyOf(results);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        Object instance = context.getTestInstance().orElse(null);
        String provider = instance instanceof ContainerConformanceSuite suite ? suite.providerName() : context.getRequiredTestClass().getSimpleName();
        Path file = Path.of("target", "conformance-" + provider.replaceAll("[^A-Za-z0-9_.-]", "_") + ".md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, render(provider, context.getRequiredTestClass().getName()), StandardCharsets.UTF_8);
        System.out.println("containerv conformance report for " + provider + ": " + file.toAbsolutePath() + "\n" + summaryLine());
    }

    private synchronized String summaryLine() {
        long passed = results.stream().filter(r -> r.outcome == Outcome.PASSED).count();
        long skipped = results.stream().filter(r -> r.outcome == Outcome.SKIPPED).count();
        long failed = results.stream().filter(r -> r.outcome == Outcome.FAILED).count();
        return "conformance: " + passed + " passed, " + failed + " failed, " + skipped + " skipped";
    }

    /** The report as Markdown. */
    public synchronized String render(String provider, String testClass) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Conformance of `").append(provider).append("`\n\n");
        sb.append("Suite run by `").append(testClass).append("`.\n\n");
        appendCounts(sb, "area", Result::area);
        sb.append('\n');
        appendCounts(sb, "class", Result::ruleClass);
        appendDetails(sb, Outcome.FAILED, "Failed");
        appendDetails(sb, Outcome.SKIPPED, "Skipped");
        appendEveryTest(sb);
        return sb.toString();
    }

    private void appendCounts(StringBuilder sb, String by, Function<Result, String> key) {
        Map<String, int[]> counts = new TreeMap<>();
        for (Result r : results) {
            counts.computeIfAbsent(key.apply(r), a -> new int[3])[r.outcome().ordinal()]++;
        }
        sb.append("| ").append(by).append(" | passed | skipped | failed |\n|---|---:|---:|---:|\n");
        int[] total = new int[3];
        counts.forEach((name, n) -> {
            sb.append("| ").append(name).append(" | ").append(n[0]).append(" | ").append(n[1]).append(" | ").append(n[2]).append(" |\n");
            for (int i = 0; i < 3; i++) {
                total[i] += n[i];
            }
        });
        sb.append("| **all** | ").append(total[0]).append(" | ").append(total[1]).append(" | ").append(total[2]).append(" |\n");
    }

    private void appendEveryTest(StringBuilder sb) {
        if (results.isEmpty()) {
            return;
        }
        sb.append("\n## Every test\n\n| area | class | test | outcome |\n|---|---|---|---|\n");
        results.stream().sorted(BY_AREA_THEN_NAME).forEach(r -> sb.append("| ").append(r.area()).append(" | ").append(r.ruleClass())
                .append(" | `").append(r.test()).append("` | ").append(r.outcome().name().toLowerCase(Locale.ROOT)).append(" |\n"));
    }

    private void appendDetails(StringBuilder sb, Outcome outcome, String title) {
        List<Result> of = results.stream().filter(r -> r.outcome() == outcome)
                .sorted(BY_AREA_THEN_NAME).toList();
        if (of.isEmpty()) {
            return;
        }
        sb.append("\n## ").append(title).append("\n\n");
        for (Result r : of) {
            sb.append("- `").append(r.test()).append("`: ").append(r.detail().replace('\n', ' ')).append('\n');
        }
    }
}
