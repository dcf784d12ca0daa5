package dev.containerv.testkit;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrivilegesTest {
    @Test
    void oneOrTrueRequiresPrivileges() {
        assertThat(Privileges.privilegedRequired(Map.of("CONTAINERV_REQUIRE_PRIVILEGED", "1")::get)).isTrue();
        assertThat(Privileges.privilegedRequired(Map.of("CONTAINERV_REQUIRE_PRIVILEGED", "TRUE")::get)).isTrue();
        assertThat(Privileges.privilegedRequired(Map.of("CONTAINERV_REQUIRE_PRIVILEGED", " 1\n")::get)).isTrue();
    }

    @Test
    void anythingElseOrNothingDoesNot() {
        assertThat(Privileges.privilegedRequired(name -> null)).isFalse();
        assertThat(Privileges.privilegedRequired(Map.of("CONTAINERV_REQUIRE_PRIVILEGED", "0")::get)).isFalse();
        assertThat(Privileges.privilegedRequired(Map.of("CONTAINERV_REQUIRE_PRIVILEGED", "yes please")::get)).isFalse();
        assertThat(Privileges.privilegedRequired(Map.of("OTHER", "1")::get)).isFalse();
    }
}
