package dev.containerv.cli;

import dev.containerv.api.Access;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgsTest {
    @Test
    void bind_isReadWriteUnlessRoGiven() {
        assertThat(Args.Bind.parse("/home/me/src:/src")).isEqualTo(new Args.Bind("/home/me/src", "/src", Access.READ_WRITE));
        assertThat(Args.Bind.parse("/home/me/src:/src:ro")).isEqualTo(new Args.Bind("/home/me/src", "/src", Access.READ_ONLY));
        assertThat(Args.Bind.parse("/a:/b:RW")).isEqualTo(new Args.Bind("/a", "/b", Access.READ_WRITE));
        assertThat(Args.Bind.parse("rel/dir:/b:Ro").access()).isEqualTo(Access.READ_ONLY);
    }

    @Test
    void bind_keepsDriveLettersWithTheirPaths() {
        assertThat(Args.Bind.parse("C:\\src:C:\\work:ro")).isEqualTo(new Args.Bind("C:\\src", "C:\\work", Access.READ_ONLY));
        assertThat(Args.Bind.parse("D:/data:/data")).isEqualTo(new Args.Bind("D:/data", "/data", Access.READ_WRITE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/only-host", "/a:/b:rx", ":/b", "/a:", "/a:/b:ro:extra", ""})
    void bind_rejectsMalformedValuesSayingWhatIsExpected(String text) {
        assertThatThrownBy(() -> Args.Bind.parse(text)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void bind_badModeIsNamed() {
        assertThatThrownBy(() -> Args.Bind.parse("/a:/b:rx")).hasMessageContaining("ro or rw, not 'rx'");
    }

    @Test
    void tmpfs_sizeIsOptional() {
        assertThat(Args.Tmpfs.parse("/tmp")).isEqualTo(new Args.Tmpfs("/tmp", Optional.empty()));
        assertThat(Args.Tmpfs.parse("/tmp:64M")).isEqualTo(new Args.Tmpfs("/tmp", Optional.of("64M")));
        assertThat(Args.Tmpfs.parse("/run/x:max")).isEqualTo(new Args.Tmpfs("/run/x", Optional.of("max")));
        assertThat(Args.Tmpfs.parse("/tmp:1GiB")).isEqualTo(new Args.Tmpfs("/tmp", Optional.of("1GiB")));
    }

    @Test
    void tmpfs_driveLetterIsNotASize() {
        assertThat(Args.Tmpfs.parse("C:\\tmp")).isEqualTo(new Args.Tmpfs("C:\\tmp", Optional.empty()));
        assertThat(Args.Tmpfs.parse("C:\\tmp:1G")).isEqualTo(new Args.Tmpfs("C:\\tmp", Optional.of("1G")));
    }

    @Test
    void tmpfs_rejectsWhatIsNotASize() {
        assertThatThrownBy(() -> Args.Tmpfs.parse("/tmp:lots")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("not 'lots'");
        assertThatThrownBy(() -> Args.Tmpfs.parse("")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void env_splitsAtTheFirstEquals() {
        assertThat(Args.Env.parse("A=1")).isEqualTo(new Args.Env("A", Optional.of("1")));
        assertThat(Args.Env.parse("A=")).isEqualTo(new Args.Env("A", Optional.of("")));
        assertThat(Args.Env.parse("OPTS=a=b")).isEqualTo(new Args.Env("OPTS", Optional.of("a=b")));
        assertThat(Args.Env.parse("HOME")).isEqualTo(new Args.Env("HOME", Optional.empty()));
        assertThatThrownBy(() -> Args.Env.parse("=x")).isInstanceOf(TypeConversionException.class).hasMessageContaining("NAME=VALUE");
    }

    @Test
    void endpoint_idColonPathIsInTheContainer() {
        assertThat(Args.Endpoint.parse("c1:/etc/hosts", false)).isEqualTo(new Args.Endpoint(Optional.of("c1"), "/etc/hosts"));
        assertThat(Args.Endpoint.parse("cv-0a1b.x_y:/a:b", false)).isEqualTo(new Args.Endpoint(Optional.of("cv-0a1b.x_y"), "/a:b"));
    }

    @Test
    void endpoint_hostPathsIncludingThoseWithColons() {
        assertThat(Args.Endpoint.parse("out", false).inContainer()).isFalse();
        assertThat(Args.Endpoint.parse("/abs/a:b", false)).isEqualTo(new Args.Endpoint(Optional.empty(), "/abs/a:b"));
        assertThat(Args.Endpoint.parse("./a:b", false)).isEqualTo(new Args.Endpoint(Optional.empty(), "./a:b"));
        assertThat(Args.Endpoint.parse("../a:b", false).inContainer()).isFalse();
    }

    @Test
    void endpoint_driveLetterIsAHostPathOnlyOnWindowsHosts() {
        assertThat(Args.Endpoint.parse("C:\\out", true)).isEqualTo(new Args.Endpoint(Optional.empty(), "C:\\out"));
        assertThat(Args.Endpoint.parse("C:\\out", false)).isEqualTo(new Args.Endpoint(Optional.of("C"), "\\out"));
    }

    @Test
    void endpoint_rejectsBadIdsAndEmptyPaths() {
        assertThatThrownBy(() -> Args.Endpoint.parse("bad id:/x", false)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'bad id' before ':' is not a container id").hasMessageContaining("./bad id:/x");
        assertThatThrownBy(() -> Args.Endpoint.parse("c1:", false)).hasMessageContaining("a container path is needed after ':'");
        assertThatThrownBy(() -> Args.Endpoint.parse("", false)).isInstanceOf(TypeConversionException.class);
    }

}
