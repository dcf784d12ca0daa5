package dev.containerv.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.util.function.Function;

/** Whether privileged tests must run here instead of being skipped. */
public final class Privileges {
    /** Environment variable that turns a skip for lack of privileges into a failure (CI sets it to 1). */
    public static final String REQUIRE_PRIVILEGED_ENV = "CONTAINERV_REQUIRE_PRIVILEGED";

    private Privileges() {
    }

    /** {@code true} if {@value #REQUIRE_PRIVILEGED_ENV} is {@code 1} or {@code true} in the process environment. */
    public static boolean privilegedRequired() {
        return privilegedRequired(System::getenv);
    }

    /**
     * {@code true} if {@value #REQUIRE_PRIVILEGED_ENV} is {@code 1} or {@code true} (any case) in the given
     * environment; for tests that must not depend on the real one.
     *
     * @param environment looks a variable up by name; returns {@code null} for an unset one
     */
    public static boolean privilegedRequired(Function<String, String> environment) {
        String value = environment.apply(REQUIRE_PRIVILEGED_ENV);
        return value != null && (value.strip().equals("1") || value.strip().equalsIgnoreCase("true"));
    }

    /**
     * Skips the running test for lack of privileges ({@code why}), or fails it where {@value #REQUIRE_PRIVILEGED_ENV}
     * is set ({@code required}); {@code cause} may be {@code null}. Never returns normally.
     */
    static void skipOrFail(boolean required, String why, Throwable cause) {
        if (required) {
            Assertions.fail(REQUIRE_PRIVILEGED_ENV + "=1, so privileged tests must run: " + why, cause);
        }
        Assumptions.abort(why);
    }
}
