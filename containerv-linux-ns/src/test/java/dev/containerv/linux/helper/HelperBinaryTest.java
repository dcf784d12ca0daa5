package dev.containerv.linux.helper;

import dev.containerv.linux.proc.Proc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HelperBinaryTest {
    @TempDir
    Path tmp;

    @Test
    void anExplicitHelperMustExistAndBeExecutable() throws Exception {
        assertThatThrownBy(() -> HelperBinary.locate(Optional.of(tmp.resolve("absent")), 0, Proc.HOST))
                .isInstanceOf(HelperBinary.UnavailableException.class).hasMessageContaining("containerv.linux.helper").hasMessageContaining("does not exist");
        Path plain = Files.writeString(tmp.resolve("helper"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> HelperBinary.locate(Optional.of(plain), 0, Proc.HOST)).hasMessageContaining("not executable");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rwx------"));
        assertThat(HelperBinary.locate(Optional.of(plain), 0, Proc.HOST)).isEqualTo(plain);
    }

    @Test
    void anExplicitHelperInADirectoryOthersCanWriteIsRefusedBeforeItEverRuns() throws Exception {
        long me = ((Number) Files.getAttribute(tmp, "unix:uid")).longValue();
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
        Path marker = tmp.resolve("ran");
        Path helper = Files.writeString(shared.resolve("helper"), "#!/bin/sh\ntouch " + marker + "\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        assertThatThrownBy(() -> HelperBinary.locate(Optional.of(helper), me, Proc.HOST))
                .isInstanceOf(HelperBinary.UnavailableException.class).hasMessageContaining("not trusted")
                .hasMessageContaining(shared + " (above it) is writable by group");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> HelperBinary.locate(Optional.of(helper), me, Proc.HOST)).hasMessageContaining(helper + " is writable by group and others");
        assertThat(marker).doesNotExist();
    }

    @Test
    void theVersionTrialInsistsOnThePlanAndProtocolVersionsOfThisBuild() throws IOException {
        Path fake = script("echo 'containerv-helper 9.9 plan 1 protocol 1'");
        assertThatThrownBy(() -> HelperBinary.versionTrial(fake)).hasMessageContaining("speaks plan 1 and protocol 1")
                .hasMessageContaining("needs plan 2 and protocol 1");
        Path garbage = script("echo hello");
        assertThatThrownBy(() -> HelperBinary.versionTrial(garbage)).hasMessageContaining("printed 'hello'");
        Path failing = script("echo broken >&2; exit 3");
        assertThatThrownBy(() -> HelperBinary.versionTrial(failing)).hasMessageContaining("exited with 3").hasMessageContaining("broken");
        Path good = script("echo 'containerv-helper 1.0.0 plan 2 protocol 1'");
        assertThat(HelperBinary.versionTrial(good)).isEqualTo("containerv-helper 1.0.0 plan 2 protocol 1");
    }

    @Test
    void theBuiltHelperPassesTheTrial() throws IOException {
        Path helper = TestSupport.builtHelper();
        org.junit.jupiter.api.Assumptions.assumeTrue(helper != null, "the native helper is not built (no C compiler?)");
        assertThat(HelperBinary.versionTrial(helper)).startsWith("containerv-helper ").endsWith(" plan 2 protocol 1");
    }

    private Path script(String body) throws IOException {
        Path p = Files.createTempFile(tmp, "helper", ".sh");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    /**
     * Without XDG variables a rootless user's state root falls back to {@code /tmp/containerv-<uid>}; the helper's
     * last-resort cache (when {@code ~/.cache} cannot hold it, e.g. a noexec home) must lie elsewhere, or {@code list()}
     * takes its {@code helper-*} directories for containers without state and removes them a minute later.
     */
    @Test
    void theLastResortCacheIsNotTheRootlessStateRootsFallback() {
        Path state = dev.containerv.linux.rootless.UserPlaces.of(1000, Path.of("/home/u"), name -> null).stateRoot();
        Path cache = HelperBinary.tmpCache(Path.of("/tmp"), 1000);
        assertThat(cache.startsWith(state) || state.startsWith(cache)).as("cache %s, state root %s", cache, state).isFalse();
    }
}
