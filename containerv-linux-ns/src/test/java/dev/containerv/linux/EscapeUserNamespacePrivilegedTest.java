package dev.containerv.linux;

import org.junit.jupiter.api.BeforeAll;

/**
 * Every escape check of {@link EscapePrivilegedTest} again, in containers with a user namespace (Capability.USERS,
 * uid and gid 0 -> 100000, 65536 ids): the boundary must hold with USERS on as well (issue 14).
 */
class EscapeUserNamespacePrivilegedTest extends EscapePrivilegedTest {
    /** Hides the superclass's set-up (JUnit runs only this one): the same containers, with a user namespace. */
    @BeforeAll
    static void setUp() throws Exception {
        setUpWith(true);
    }
}
