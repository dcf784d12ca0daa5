package dev.containerv.linux;

import dev.containerv.api.Access;
import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.Layer;
import dev.containerv.api.ProcessSpec;
import dev.containerv.linux.helper.HelperLog;
import dev.containerv.spi.LifecycleLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 18, logging: lifecycle events at DEBUG with durations, and a failed create carries the helper's log. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleLogPrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-lifecycle-test");

    private static String newId() {
        return "life-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void createSpawnExitCopyAndDestroyAreLoggedAtDebugWithDurations() throws Exception {
        Logger jul = Logger.getLogger(LifecycleLog.LOGGER);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = jul.getLevel();
        jul.setLevel(Level.FINE);
        jul.addHandler(handler);
        String id = newId();
        try {
            Path file = Files.writeString(BED.work().resolve("upload.txt"), "x");
            try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).rootfs(BED.rootfs()).build())) {
                c.exec(ProcessSpec.of("/bin/sh", "-c", "exit 3"));
                c.upload(file, "/tmp/upload.txt");
                c.download("/tmp/upload.txt", BED.work().resolve("back.txt"));
            }
        } finally {
            jul.removeHandler(handler);
            jul.setLevel(before);
        }
        assertThat(lines).anyMatch(l -> l.matches("FINE created container " + id + " \\(linux-ns\\) in \\d+ ms"))
                .anyMatch(l -> l.matches("FINE spawned \\[/bin/sh, -c, exit 3\\] as pid \\d+ in container " + id + " in \\d+ ms"))
                .anyMatch(l -> l.matches("FINE process \\d+ \\(/bin/sh\\) in container " + id + " exited with 3 after \\d+ ms"))
                .anyMatch(l -> l.matches("FINE copied host .*upload.txt to container " + id + ":/tmp/upload.txt in \\d+ ms"))
                .anyMatch(l -> l.matches("FINE copied container " + id + ":/tmp/upload.txt to host .*back.txt in \\d+ ms"))
                .anyMatch(l -> l.matches("FINE destroyed container " + id + " in \\d+ ms"));
    }

    @Test
    void aCreateTheHelperFailsCarriesTheHelpersLogAsItsCause() throws Exception {
        String id = newId();
        Path src = Files.createDirectories(BED.work().resolve("bind-src"));
        // A bind under a regular file of the image: the helper fails (ENOTDIR) and removes the state directory.
        assertThatThrownBy(() -> BED.runtime().create(ContainerSpec.builder().id(id).rootfs(BED.rootfs())
                .layer(Layer.hostDirectory(src, "/etc/marker/sub", Access.READ_ONLY)).build()))
                .isInstanceOfSatisfying(ContainerException.class, e -> {
                    assertThat(e.getCause()).isInstanceOf(HelperLog.class);
                    assertThat(e.getCause().getMessage()).contains("helper's log").contains("ENOTDIR").contains("/etc/marker/sub");
                });
        assertThat(BED.runtime().list()).doesNotContain(id);
    }
}
