package dev.containerv.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

import java.lang.reflect.Method;
import java.time.Duration;

/**
 * Runs each conformance test in a thread of its own and fails it once {@link ContainerConformanceSuite#testTimeout()}
 * has passed, so a provider call that blocks for good (and ignores interrupts) fails the test instead of hanging
 * the build. Registered on {@link ContainerConformanceSuite}.
 */
final class ConformanceTimeout implements InvocationInterceptor {
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext extensionContext) throws Throwable {
        Object instance = extensionContext.getRequiredTestInstance();
        if (!(instance instanceof ContainerConformanceSuite suite)) {
            invocation.proceed();
            return;
        }
        Duration timeout = suite.testTimeout();
        String test = invocationContext.getExecutable().getName();
        Assertions.assertTimeoutPreemptively(timeout, invocation::proceed,
                () -> test + " did not finish within " + timeout.toSeconds() + " s against provider " + suite.providerName()
                        + " (a provider call blocked; raise " + ContainerConformanceSuite.TIMEOUT_ENV + " if the host is only slow)");
    }
}
