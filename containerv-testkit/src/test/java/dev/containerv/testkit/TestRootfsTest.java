package dev.containerv.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

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
    void busyboxIsUsedWhereTheHostHasIt() throws IOException {
        if (TestRootfs.busybox().isPresent()) {
            assertThat(Files.isRegularFile(TestRootfs.shared().resolve("bin/busybox"))).isTrue();
            assertThat(Files.readSymbolicLink(TestRootfs.shared().resolve("bin/cat")).toString()).isEqualTo("busybox");
        } else {
            assertThat(TestRootfs.shared().resolve("bin/cat")).isRegularFile();
        }
    }
}
