package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerRuntime;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ExecResult;
import dev.containerv.api.Layer;
import dev.containerv.api.ProcessDefaults;
import dev.containerv.api.ProcessSpec;
import dev.containerv.spi.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Red team (held): every spec field that reaches the helper's plan or the control protocol, with the characters its
 * line format means something by (newline, percent, space) and the text of a line that would widen the container,
 * arrives as the one value it was: no field can add a plan line (here a read-write bind of the host's {@code /}) or
 * end another. The plan is percent-encoded field by field ({@code Percent}); the protocol frames values by length.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpecInjectionPrivilegedTest {
    /** What a plan line that gave the container the host's root read-write would look like. */
    private static final String LINE = "\nbind / /hostroot rw\n";
    private Path work;
    private Container box;

    @AfterEach
    void tearDown() throws IOException {
        if (box != null) {
            String id = box.id();
            box.destroy();
            PrivilegedBed.assertGone(id);
        }
        if (work != null) {
            FileTrees.deleteTree(work);
        }
    }

    @Test
    void newlinesPercentsAndPlanLinesInSpecFieldsStayInsideTheirField() throws Exception {
        Privileged.require();
        work = Files.createTempDirectory("cv-injection");
        // Directories named with the plan's separators: the rootfs, a bind's source and its container path.
        Path rootfs = BusyboxRootfs.create(work.resolve("root fs %41" + LINE.replace('/', '_')));
        Path shared = Files.createDirectories(work.resolve("shared %0A" + LINE.replace('/', '_')));
        Files.writeString(shared.resolve("marker"), "shared\n");
        ContainerRuntime runtime = new LinuxNamespacesProvider().createRuntime();
        String env = "v" + LINE + "%00%0A 100%";
        box = runtime.create(ContainerSpec.builder().id("t-" + UUID.randomUUID().toString().substring(0, 8)).rootfs(rootfs)
                .layer(Layer.hostDirectory(shared, "/mnt/a b%20c", Access.READ_ONLY))
                .processDefaults(ProcessDefaults.builder().environment("FROM_DEFAULTS", env).build())
                .build());

        ExecResult r = box.exec(ProcessSpec.builder("/bin/sh", "-c", "printf '%s' \"$FROM_DEFAULTS\"; printf '|'; printf '%s' \"$FROM_EXEC\"; printf '|'; printf '%s' \"$1\"; printf '|'; pwd",
                        "sh", "arg" + LINE + "%41").environment("FROM_EXEC", env).workingDirectory("/mnt/a b%20c").build());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo(env + "|" + env + "|arg" + LINE + "%41|/mnt/a b%20c\n");

        ExecResult mounts = box.exec(ProcessSpec.of("/bin/sh", "-c", "cat '/mnt/a b%20c/marker'; test -e /hostroot && echo hostroot; grep -c . /proc/mounts"));
        assertThat(mounts.stdout()).startsWith("shared\n").doesNotContain("hostroot");
        assertThat(box.exec(ProcessSpec.of("/bin/sh", "-c", "echo x > '/mnt/a b%20c/w'")).exitCode()).as("the bind stays read-only").isNotZero();
    }
}
