package dev.containerv.linux;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The main class of the rootless suite's child JVM ({@link RootlessSuitePrivilegedTest}): runs the named test
 * classes with the JUnit Platform, prints one line per test (with the reason of a skip and the stack of a failure)
 * and a summary, and exits 0 only when tests ran and none failed (1 when some failed, 2 when none ran).
 */
public final class RootlessLauncher {
    private RootlessLauncher() {
    }

    /** {@code Class#method()} of a test, or the display name of a container (a class) that failed as a whole. */
    private static String nameOf(TestIdentifier test) {
        return test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                .map(m -> m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "#" + m.getMethodName() + "()")
                .orElse(test.getDisplayName());
    }

    public static void main(String[] classNames) {
        AtomicInteger passed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        TestExecutionListener printer = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                skipped.incrementAndGet();
                System.out.println("SKIPPED " + nameOf(test) + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (!test.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    return;
                }
                String name = nameOf(test);
                switch (result.getStatus()) {
                    case SUCCESSFUL -> {
                        passed.incrementAndGet();
                        System.out.println("PASSED " + name);
                    }
                    case ABORTED -> {
                        skipped.incrementAndGet();
                        System.out.println("SKIPPED " + name + ": " + result.getThrowable().map(Throwable::getMessage).orElse(""));
                    }
                    case FAILED -> {
                        failed.incrementAndGet();
                        StringWriter stack = new StringWriter();
                        result.getThrowable().ifPresent(t -> t.printStackTrace(new PrintWriter(stack)));
                        System.out.println("FAILED " + name + ": " + stack);
                    }
                }
            }
        };
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(classNames).map(DiscoverySelectors::selectClass).toList()).build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, printer);
        System.out.println("rootless suite as uid " + ProcessHandle.current().info().user().orElse("?") + ": " + passed + " passed, "
                + failed + " failed, " + skipped + " skipped");
        System.out.flush();
        System.exit(failed.get() > 0 ? 1 : passed.get() + skipped.get() == 0 ? 2 : 0);
    }
}
