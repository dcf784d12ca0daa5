package dev.containerv.linux.rootless;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.linux.proc.Proc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserPlacesTest {
    @TempDir
    Path tmp;

    @Test
    void theXdgDirectoriesHoldStateLayersAndTheHelperCache() {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", "/run/user/1000", "XDG_DATA_HOME", "/data/me", "XDG_CACHE_HOME", "/cache/me");
        UserPlaces p = UserPlaces.of(1000, Path.of("/home/me"), env::get);
        assertThat(p.stateRoot()).isEqualTo(Path.of("/run/user/1000/containerv"));
        assertThat(p.layerRoot()).isEqualTo(Path.of("/data/me/containerv"));
        assertThat(p.helperCache()).isEqualTo(Path.of("/cache/me/containerv"));
    }

    /** Unset, empty or relative variables do not count (the XDG rule): the fallbacks are the user's own paths. */
    @Test
    void withoutUsableVariablesTheFallbacksArePerUser() {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", "", "XDG_DATA_HOME", "relative/data");
        UserPlaces p = UserPlaces.of(1234, Path.of("/home/me"), env::get);
        assertThat(p.stateRoot()).isEqualTo(Path.of("/tmp/containerv-1234"));
        assertThat(p.layerRoot()).isEqualTo(Path.of("/home/me/.local/share/containerv"));
        assertThat(p.helperCache()).isEqualTo(Path.of("/home/me/.cache/containerv"));
    }

    @Test
    void aMissingDirectoryIsFineBecauseLinuxNsMakesItPrivate() throws IOException {
        assertThat(UserPlaces.ownProblem(tmp.resolve("not-yet"), 4321)).isEmpty();
    }

    @Test
    void aDirectoryOfAnotherUserIsRefusedNamingPathOwnerAndMode() throws IOException {
        long me = Proc.HOST.euid();
        Path dir = Files.createDirectory(tmp.resolve("theirs"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThat(UserPlaces.ownProblem(dir, me)).isEmpty();
        assertThat(UserPlaces.ownProblem(dir, me + 1)).hasValueSatisfying(p -> assertThat(p)
                .contains(dir.toString(), "owned by uid " + me, "mode 0700", "uid " + (me + 1)));
    }

    @Test
    void aDirectoryOthersCanWriteIsRefusedAndSoIsTheErrorOfRequireOwn() throws IOException {
        long me = Proc.HOST.euid();
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(UserPlaces.ownProblem(dir, me)).hasValueSatisfying(p -> assertThat(p).contains("writable by group and others", "mode 0777"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx-w----"));
        assertThat(UserPlaces.ownProblem(dir, me)).hasValueSatisfying(p -> assertThat(p).contains("writable by group", "mode 0720"));
        assertThatThrownBy(() -> UserPlaces.requireOwn("state root", "LinuxOptions.stateRoot", dir, me, "op", "c1"))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                    assertThat(e.getMessage()).contains("state root " + dir, "mode 0720", "LinuxOptions.stateRoot");
                });
    }

    @Test
    void aFileOrALinkToAnotherUsersDirectoryIsRefused() throws IOException {
        long me = Proc.HOST.euid();
        Path file = Files.createFile(tmp.resolve("file"));
        assertThat(UserPlaces.ownProblem(file, me)).hasValueSatisfying(p -> assertThat(p).contains("not a directory"));
        Path dir = Files.createDirectory(tmp.resolve("dir"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        assertThat(UserPlaces.ownProblem(link, me)).isEmpty();
        assertThat(UserPlaces.ownProblem(link, me + 1)).hasValueSatisfying(p -> assertThat(p).contains("owned by uid " + me));
    }
}
