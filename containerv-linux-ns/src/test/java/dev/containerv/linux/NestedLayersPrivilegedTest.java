package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ExecResult;
import dev.containerv.api.Layer;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18 item 5 on linux-ns: mount points below a read-only bind are made before it turns read-only
 * (mountpoints.c), and only those the later layers need in it. The conformance rule
 * {@code optional_isolation_layersNestWhateverTheirAccess} holds every provider to the general case.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NestedLayersPrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-nested-test");

    private static String newId() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ExecResult sh(Container c, String script) {
        return c.exec(ProcessSpec.of("/bin/sh", "-c", script));
    }

    @Test
    void theIssuesReadWriteOutputUnderAReadOnlySourceWorks() throws Exception {
        Path src = Files.createDirectories(BED.work().resolve("src"));
        Files.writeString(src.resolve("main.c"), "int main(){}");
        Path out = Files.createDirectories(BED.work().resolve("out"));
        Path log = Files.writeString(BED.work().resolve("build.log"), "");
        String id = newId();
        try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).rootfs(BED.rootfs())
                .layer(Layer.hostDirectory(src, "/w", Access.READ_ONLY))
                .layer(Layer.hostDirectory(out, "/w/out", Access.READ_WRITE))
                .layer(Layer.hostDirectory(log, "/w/logs/build.log", Access.READ_WRITE)).build())) {
            ExecResult r = sh(c, "cat /w/main.c && echo built > /w/out/a.out && echo line > /w/logs/build.log"
                    + " && if touch /w/new 2>/dev/null; then echo WRITABLE; fi; grep -c ' /w ro,' /proc/self/mountinfo");
            assertThat(r.stderr()).isEmpty();
            assertThat(r.stdout()).isEqualTo("int main(){}1\n");
            assertThat(Files.readString(out.resolve("a.out"))).isEqualTo("built\n");
            assertThat(Files.readString(log)).isEqualTo("line\n");
        }
        // The mount points were made in the host directory while it was still writable: an empty directory and
        // an empty file (documented), nothing else.
        assertThat(src.resolve("out")).isEmptyDirectory();
        assertThat(src.resolve("logs/build.log")).isEmptyFile();
        try (var listed = Files.list(src)) {
            assertThat(listed.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("logs", "main.c", "out");
        }
        PrivilegedBed.assertGone(id);
    }

    @Test
    void aMountPointBelowAnotherLayerIsMadeInThatLayerNotInTheReadOnlyOne() throws Exception {
        Path top = Files.createDirectories(BED.work().resolve("top"));
        Path inner = Files.createDirectories(BED.work().resolve("inner"));
        String id = newId();
        try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).rootfs(BED.rootfs())
                .layer(Layer.hostDirectory(top, "/t", Access.READ_ONLY))
                .layer(Layer.tmpfs("/t/scratch", "1M"))
                .layer(Layer.hostDirectory(inner, "/t/scratch/inner", Access.READ_ONLY))
                .layer(Layer.tmpfs("/t/scratch/inner/tmp", "1M")).build())) {
            ExecResult r = sh(c, "echo s > /t/scratch/s && echo i > /t/scratch/inner/tmp/i && cat /t/scratch/s /t/scratch/inner/tmp/i"
                    + " && if touch /t/scratch/inner/x 2>/dev/null; then echo WRITABLE; fi");
            assertThat(r.stderr()).isEmpty();
            assertThat(r.stdout()).isEqualTo("s\ni\n");
        }
        // /t got only the tmpfs's mount point; inner's lives in the tmpfs, and inner got tmp.
        try (var listed = Files.list(top)) {
            assertThat(listed.map(p -> p.getFileName().toString()).toList()).containsExactly("scratch");
        }
        assertThat(top.resolve("scratch")).isEmptyDirectory();
        try (var listed = Files.list(inner)) {
            assertThat(listed.map(p -> p.getFileName().toString()).toList()).containsExactly("tmp");
        }
        PrivilegedBed.assertGone(id);
    }
}
