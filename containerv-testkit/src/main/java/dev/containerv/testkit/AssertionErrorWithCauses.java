package dev.containerv.testkit;

import java.util.List;

/** Throws one assertion error that carries several failures as suppressed exceptions. */
final class AssertionErrorWithCauses {
    private AssertionErrorWithCauses() {
    }

    static void throwAll(String message, List<Throwable> failures) {
        AssertionError error = new AssertionError(message + ": " + failures.get(0), failures.get(0));
        failures.subList(1, failures.size()).forEach(error::addSuppressed);
        throw error;
    }
}
