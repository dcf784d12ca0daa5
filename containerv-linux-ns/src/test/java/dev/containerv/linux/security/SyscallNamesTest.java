package dev.containerv.linux.security;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyscallNamesTest {
    private static final Path HELPER = Path.of("target/classes/dev/containerv/linux/native/linux-" + System.getProperty("os.arch")
            + "/containerv-helper");

    /** The resources are the built helper's `syscalls` output: a libseccomp update that changes names shows here. */
    @ParameterizedTest
    @EnumSource(Arch.class)
    void theListsAreWhatTheHelpersLibseccompKnows(Arch arch) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(HELPER), "the helper is built on Linux only");
        Process p = new ProcessBuilder(HELPER.toString(), "syscalls", "--arch", arch.seccompName()).redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();

        assertThat(p.waitFor()).isZero();
        assertThat(List.copyOf(SyscallNames.of(arch))).isEqualTo(out);
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void commonNamesAreThereAndAreOrderedByNumber(Arch arch) {
        assertThat(SyscallNames.of(arch)).contains("read", "write", "openat", "execve", "clone", "open_by_handle_at").hasSizeGreaterThan(250);
        assertThat(SyscallNames.known(arch, "open")).isEqualTo(arch == Arch.X86_64);
        assertThat(SyscallNames.knownOnAny("open")).isTrue();
        assertThat(SyscallNames.knownOnAny("teleport")).isFalse();
        if (arch == Arch.X86_64) {
            assertThat(SyscallNames.of(arch).iterator().next()).isEqualTo("read");
        } else {
            assertThat(SyscallNames.of(arch).iterator().next()).isEqualTo("io_setup");
        }
    }
}
