package dev.containerv.linux;

import org.junit.jupiter.api.BeforeAll;

/**
 * Every red-team check of {@link RedTeamPrivilegedTest} again, in containers with a user namespace
 * (Capability.USERS, uid and gid 0 -> 100000, 65536 ids): the fixes must hold with USERS on as well (issue 14).
 */
class RedTeamUserNamespacePrivilegedTest extends RedTeamPrivilegedTest {
    /** Hides the superclass's set-up (JUnit runs only this one): the same containers, with a user namespace. */
    @BeforeAll
    static void setUp() throws Exception {
        setUpWith(true);
    }
}
