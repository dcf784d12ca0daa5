package dev.containerv.testkit;

/** Whether privileged tests must run here instead of being skipped. */
public final class Privileges {
    /** Environment variable that turns a skip for lack of privileges into a failure (CI sets it to 1). */
    public static final String REQUIRE_PRIVILEGED_ENV = "CONTAINERV_REQUIRE_PRIVILEGED";

    private Privileges() {
    }

    /** {@code true} if {@value #REQUIRE_PRIVILEGED_ENV} is {@code 1} or {@code true}. */
    public static boolean privilegedRequired() {
        String value = System.getenv(REQUIRE_PRIVILEGED_ENV);
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
    }
}
