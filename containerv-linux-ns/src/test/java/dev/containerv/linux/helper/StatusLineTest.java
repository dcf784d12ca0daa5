package dev.containerv.linux.helper;

import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusLineTest {
    @Test
    void parsesReadyAndIgnoresTrailingFields() {
        assertThat(StatusLine.parse("ready 4242 123456 4241")).isEqualTo(new StatusLine.Ready(4242, 123456, 4241));
        assertThat(StatusLine.parse("ready 1 2 3 future-field")).isEqualTo(new StatusLine.Ready(1, 2, 3));
    }

    @Test
    void parsesErrorWithEncodedAndEmptyFields() {
        StatusLine l = StatusLine.parse("error overlay mount ENOENT 2 /srv/my%20root -");
        assertThat(l).isEqualTo(new StatusLine.Error(new HelperFailure("overlay", "mount", "ENOENT", 2, "/srv/my root", "")));
        HelperFailure f = ((StatusLine.Error) l).failure();
        assertThat(f.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(f.platformCode()).isEqualTo("errno ENOENT");
    }

    @Test
    void parsesCopyResult() {
        assertThat(StatusLine.parse("ok 3 1 0 2 1048576")).isEqualTo(new StatusLine.CopyOk(3, 1, 0, 2, 1048576));
    }

    @Test
    void rejectsMalformedLines() {
        assertThatThrownBy(() -> StatusLine.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StatusLine.parse("ready 1 2")).hasMessageContaining("at least 4");
        assertThatThrownBy(() -> StatusLine.parse("ready -1 2 3")).hasMessageContaining("not an unsigned number");
        assertThatThrownBy(() -> StatusLine.parse("hello 1")).hasMessageContaining("unknown status line");
        assertThatThrownBy(() -> StatusLine.parse("error a b c 99999999999999999999 p d")).hasMessageContaining("out of range");
    }
}
