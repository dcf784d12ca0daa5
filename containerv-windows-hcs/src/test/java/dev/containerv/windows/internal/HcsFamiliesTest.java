package dev.containerv.windows.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The family choice from the probe's facts, and the refusal of a Windows build older than schema 2.1. */
class HcsFamiliesTest {
    @Test
    void aBuildOlderThan1809IsRefusedNamingIt() {
        HcsFamilies.Facts f = HcsFamilies.decide("Windows 10 10.0 (amd64)", 17134, null, null, true, null);
        assertThat(f.usable()).isFalse();
        assertThat(f.describe()).contains("build 17134").contains("older than 17763");
    }

    @Test
    void rs5AndLaterAreUsable() {
        HcsFamilies.Facts f = HcsFamilies.decide("Windows Server 2022 10.0 (amd64)", 20348, null, null, true, null);
        assertThat(f.usable()).isTrue();
        assertThat(f.chosen()).isEqualTo("vmcompute");
        assertThat(f.describe()).contains("build 20348");
        assertThat(HcsFamilies.decide("Windows 10 10.0 (amd64)", 17763, "no vmcompute", null, true, null).chosen()).isEqualTo("computecore");
    }

    @Test
    void anUnreadableBuildIsSaidAndNotGuessed() {
        HcsFamilies.Facts f = HcsFamilies.decide("Windows 10 10.0 (amd64)", null, null, null, true, "computecore");
        assertThat(f.usable()).isTrue();
        assertThat(f.describe()).contains("build unknown");
    }
}
