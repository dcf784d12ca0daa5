package dev.containerv.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BusyboxRootfsTest {
    @Test
    void tellsStaticFromDynamicExecutables() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");

        assertThat(BusyboxRootfs.isDynamicallyLinked(java)).isTrue();
        Path busybox = Path.of(BusyboxRootfs.DEFAULT_BUSYBOX);
        assumeTrue(Files.isExecutable(busybox), "no " + busybox + " on this host");
        assertThat(BusyboxRootfs.isDynamicallyLinked(busybox)).as(busybox + " (Debian's busybox-static is static)").isFalse();
    }

    @Test
    void refusesWhatIsNotElf(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\n" + "#".repeat(100));

        assertThatThrownBy(() -> BusyboxRootfs.isDynamicallyLinked(script)).hasMessageContaining("is not an ELF executable");
    }

    @Test
    void buildsARootWithTrueAndSh_andDeletesIt(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(BusyboxRootfs.DEFAULT_BUSYBOX)), "no static busybox on this host");
        Path root = BusyboxRootfs.create(dir.resolve("rootfs"));

        assertThat(root.resolve("bin/true")).isSymbolicLink();
        assertThat(root.resolve("bin/sh")).isSymbolicLink();
        assertThat(root.resolve("etc/passwd")).content().startsWith("root:x:0:0:");
        assertThat(root.resolve("proc")).isDirectory();

        BusyboxRootfs.delete(root);
        assertThat(root).doesNotExist();
    }
}
