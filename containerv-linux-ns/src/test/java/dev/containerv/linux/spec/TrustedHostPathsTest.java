package dev.containerv.linux.spec;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Which host paths linux-ns trusts as root: owner and mode of the path and of every directory above it. */
class TrustedHostPathsTest {
    @TempDir
    Path tmp;
    private long euid;

    @BeforeEach
    void owner() throws IOException {
        euid = ((Number) Files.getAttribute(tmp, "unix:uid")).longValue();
    }

    private Path dir(Path p, String mode) throws IOException {
        Files.createDirectories(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void aPrivateDirectoryAndAPathStillToBeMadeUnderItAreTrusted() throws IOException {
        Path root = dir(tmp.resolve("state"), "rwx------");
        assertThat(TrustedHostPaths.problem(root, euid)).isEmpty();
        assertThat(TrustedHostPaths.problem(root.resolve("not/yet/made"), euid)).isEmpty();
        assertThat(TrustedHostPaths.problem(Path.of("/"), euid)).isEmpty();
    }

    @Test
    void aGroupWritableParentIsRefusedNamingItAndItsMode() throws IOException {
        Path parent = dir(tmp.resolve("shared"), "rwxrwx---");
        Path root = dir(parent.resolve("state"), "rwx------");
        assertThat(TrustedHostPaths.problem(root, euid)).hasValueSatisfying(p -> assertThat(p)
                .contains(parent + " (above it) is writable by group", "mode 0770"));
        assertThat(TrustedHostPaths.problem(root.resolve("not-yet"), euid)).isPresent();
    }

    @Test
    void aWorldWritableRootIsRefusedEvenWithTheStickyBitWhichIsAcceptedOnlyAboveIt() throws IOException {
        Path open = dir(tmp.resolve("open"), "rwxrwxrwx");
        assertThat(TrustedHostPaths.problem(open, euid)).hasValueSatisfying(p -> assertThat(p)
                .contains(open + " is writable by group and others", "mode 0777"));
        Path sticky = dir(tmp.resolve("sticky"), "rwxrwxrwx");
        Files.setAttribute(sticky, "unix:mode", 01777);
        assertThat(TrustedHostPaths.problem(sticky, euid)).hasValueSatisfying(p -> assertThat(p).contains("mode 1777"));
        assertThat(TrustedHostPaths.problem(dir(sticky.resolve("state"), "rwx------"), euid)).isEmpty();
    }

    @Test
    void aLinkIsJudgedByItsTargetAndItsOwner() throws IOException {
        Path untrusted = dir(dir(tmp.resolve("gw"), "rwxrwxr-x").resolve("state"), "rwx------");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), untrusted);
        assertThat(TrustedHostPaths.problem(link, euid)).hasValueSatisfying(p -> assertThat(p)
                .contains(tmp.resolve("gw") + " (above it) is writable by group", "through the symbolic link " + link));
        Path good = Files.createSymbolicLink(tmp.resolve("good"), dir(tmp.resolve("private"), "rwx------"));
        assertThat(TrustedHostPaths.problem(good.resolve("state"), euid)).isEmpty();
    }

    @Test
    void aFileOrDirectoryOfAnotherUserIsRefused() throws IOException {
        assumeThat(euid).as("changing an owner needs root").isZero();
        Path theirs = dir(tmp.resolve("theirs"), "rwxr-xr-x");
        Files.setAttribute(theirs, "unix:uid", 65534);
        Path helper = Files.writeString(dir(tmp.resolve("bin"), "rwx------").resolve("helper"), "#!/bin/sh\n");
        Files.setAttribute(helper, "unix:uid", 65534);
        assertThat(TrustedHostPaths.problem(theirs.resolve("state"), 0)).hasValueSatisfying(p -> assertThat(p)
                .contains(theirs + " (above it) is owned by uid 65534", "mode 0755"));
        assertThat(TrustedHostPaths.problem(helper, 0)).hasValueSatisfying(p -> assertThat(p).contains(helper + " is owned by uid 65534"));
        assertThat(TrustedHostPaths.problem(helper, 65534)).as("the future rootless user's own files").isEmpty();
    }

    @Test
    void requireIsPermissionDeniedNamingWhatThePathIsAndTheOption() throws IOException {
        Path open = dir(tmp.resolve("open"), "rwxrwxrwx");
        assertThatThrownBy(() -> TrustedHostPaths.require("state root", "LinuxOptions.stateRoot", open, euid, "op", "c1"))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                    assertThat(e.containerId()).contains("c1");
                })
                .hasMessageContaining("the state root " + open + " is not trusted").hasMessageContaining("mode 0777")
                .hasMessageContaining("LinuxOptions.stateRoot");
    }

    /** A create's claim judges again only a root that did not exist when it was judged here: require says which. */
    @Test
    void requireSaysWhetherThePathExists() throws IOException {
        Path root = dir(tmp.resolve("state"), "rwx------");
        assertThat(TrustedHostPaths.require("state root", "f", root, euid, "op", "c1")).isTrue();
        assertThat(TrustedHostPaths.require("state root", "f", root.resolve("not-yet"), euid, "op", "c1")).isFalse();
        Path link = Files.createSymbolicLink(tmp.resolve("link"), root);
        assertThat(TrustedHostPaths.require("state root", "f", link, euid, "op", "c1")).isTrue();
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("gone"));
        assertThat(TrustedHostPaths.require("state root", "f", dangling, euid, "op", "c1")).isFalse();
    }
}
