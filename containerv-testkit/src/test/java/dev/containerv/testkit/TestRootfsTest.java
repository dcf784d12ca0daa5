package dev.containerv.testkit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestRootfsTest {
    @Test
    void theSharedRootfsHasAShellUsersATmpAndTheMarker() throws Exception {
        Path root = TestRootfs.shared();
        assertThat(TestRootfs.shared()).as("built once per JVM").isSameAs(root);
        assertThat(root.resolve("bin/sh")).isExecutable();
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("root:x:0:0:", "nobody:x:65534:", "tester:x:1000:1000:");
        assertThat(Files.readString(root.resolve("etc/group"))).contains("tester:x:1000:");
        assertThat(root.resolve("etc/hosts")).content().contains("localhost");
        assertThat(root.resolve("etc/hostname")).exists();
        assertThat(root.resolve(TestRootfs.MARKER.substring(1))).hasContent(TestRootfs.MARKER_CONTENT.strip());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("tmp")))).isEqualTo("rwxrwxrwx");
        assertThat(Files.getAttribute(root.resolve("tmp"), "unix:mode")).as("sticky /tmp").satisfies(m -> assertThat(((Integer) m) & 01000).isNotZero());

        // The shell and the tools the PosixShellFixture uses run from the rootfs itself.
        Process p = new ProcessBuilder(root.resolve("bin/sh").toString(), "-c", "ls / >/dev/null && id -u && echo ok")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes())).endsWith("ok\n");
    }

    @Test
    void theSettingChoosesTheKindAndABadValueIsNamed() {
        assertThat(TestRootfs.chosenKind("host-tools", "busybox")).as("the property wins").isEqualTo(TestRootfs.Kind.HOST_TOOLS);
        assertThat(TestRootfs.chosenKind(null, "host-tools")).isEqualTo(TestRootfs.Kind.HOST_TOOLS);
        TestRootfs.Kind auto = TestRootfs.busybox().isPresent() ? TestRootfs.Kind.BUSYBOX : TestRootfs.Kind.HOST_TOOLS;
        assertThat(TestRootfs.chosenKind(null, null)).isEqualTo(auto);
        assertThat(TestRootfs.chosenKind(" ", "auto")).isEqualTo(auto);
        assertThatThrownBy(() -> TestRootfs.chosenKind("tiny", null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("-D" + TestRootfs.KIND_PROPERTY).hasMessageContaining("'tiny'")
                .hasMessageContaining("auto, busybox, host-tools");
        assertThatThrownBy(() -> TestRootfs.chosenKind(null, "static")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TestRootfs.KIND_ENV);
    }

    @Test
    void theSharedRootIsOfTheChosenKind() throws IOException {
        TestRootfs.Kind chosen = TestRootfs.chosenKind(System.getProperty(TestRootfs.KIND_PROPERTY), System.getenv(TestRootfs.KIND_ENV));
        assertThat(TestRootfs.sharedKind()).isEqualTo(chosen);
        if (chosen == TestRootfs.Kind.BUSYBOX) {
            assertThat(Files.isRegularFile(TestRootfs.shared().resolve("bin/busybox"))).isTrue();
            assertThat(Files.readSymbolicLink(TestRootfs.shared().resolve("bin/cat")).toString()).isEqualTo("busybox");
        } else {
            assertThat(TestRootfs.shared().resolve("bin/cat")).isRegularFile();
        }
    }

    @Test
    void withoutBusyboxTheHostToolsAndTheirLibrariesMakeAWorkingRoot(@TempDir Path tmp) throws Exception {
        Path root = TestRootfs.build(tmp.resolve("rootfs"), Optional.empty());
        assertThat(root.resolve("bin/busybox")).doesNotExist();
        assertThat(root.resolve("bin/sh")).isExecutable();
        assertThat(root.resolve("bin/cat")).isExecutable();
        assertThat(runChrooted(root, "cat /etc/hostname; ls -1A / >/dev/null && id -u && stat -c %a /tmp && env | head -c 0 && echo works"))
                .as("the tools PosixShellFixture uses run with only the rootfs's libraries").isEqualTo("testkit\n0\n1777\nworks\n");
    }

    @Test
    void theBusyboxRootWorksOnItsOwn(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(TestRootfs.busybox().isPresent(), "no busybox on this host (apt-get install busybox-static)");
        Path root = TestRootfs.build(tmp.resolve("rootfs"), TestRootfs.busybox());
        assertThat(runChrooted(root, "id -un; printf '%s' x > /tmp/t && cat /tmp/t")).isEqualTo("root\nx");
    }

    /** Runs a script with the root as "/" (chroot needs root), so host files cannot stand in for missing ones. */
    private static String runChrooted(Path root, String script) throws Exception {
        Assumptions.assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip()),
                "chroot needs root");
        Process p = new ProcessBuilder("chroot", root.toString(), "/bin/sh", "-c", script).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
