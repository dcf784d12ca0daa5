package dev.containerv.linux.plan;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PercentTest {
    @Test
    void encodesPercentSpaceControlAndNonAsciiBytes() {
        assertThat(Percent.encode("/home/me/my project")).isEqualTo("/home/me/my%20project");
        assertThat(Percent.encode("100%")).isEqualTo("100%25");
        assertThat(Percent.encode("a\tb\nc\u007f")).isEqualTo("a%09b%0Ac%7F");
        assertThat(Percent.encode("héllo")).isEqualTo("h%C3%A9llo");
        assertThat(Percent.encode("plain/-_.:,")).isEqualTo("plain/-_.:,");
    }

    @Test
    void decodeIsTheInverseAndAcceptsEitherCase() {
        String s = "a b%c\té-/x";
        assertThat(Percent.decode(Percent.encode(s))).isEqualTo(s);
        assertThat(Percent.decode("h%c3%a9")).isEqualTo("hé");
    }

    @Test
    void statusFieldsUseDashForEmpty() {
        assertThat(Percent.encodeField("")).isEqualTo("-");
        assertThat(Percent.encodeField("-")).isEqualTo("%2D");
        assertThat(Percent.decodeField("-")).isEmpty();
        assertThat(Percent.decodeField("%2D")).isEqualTo("-");
    }

    @Test
    void rejectsBadEscapesAndNul() {
        assertThatThrownBy(() -> Percent.decode("a%2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percent.decode("a%zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percent.decode("a%00b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("%00");
    }
}
