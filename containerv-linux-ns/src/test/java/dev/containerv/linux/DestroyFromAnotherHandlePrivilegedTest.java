package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18 item 10: destroy through a handle that did not create the container (as after {@code open(id)} in
 * another JVM) waits for the supervisor's exit through the lock the supervisor holds on its plan, not by polling
 * the pid ({@code ProcessHandle.onExit()} of a non-child sleeps 300 ms and more between looks, and a zombie
 * counts as alive until its reaper gets to it: 1.4 s per destroy on this machine).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DestroyFromAnotherHandlePrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-destroy-test");

    @Test
    void theSupervisorHoldsItsPlansLockAndAnOpenedHandleWaitsOnItNotOnThePid() throws Exception {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        Container created = BED.runtime().create(ContainerSpec.builder().id(id).rootfs(BED.rootfs()).persistent(true).build());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger("dev.containerv.linux.runtime.ContainerStop");
        Level before = jul.getLevel();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        try {
            Path plan = Path.of("/run/containerv", id, "plan");
            try (FileChannel ch = FileChannel.open(plan, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                assertThat(ch.tryLock(0, Long.MAX_VALUE, false)).as("the running supervisor holds a lock on " + plan).isNull();
            }
            jul.setLevel(Level.FINE);
            jul.addHandler(handler);
            Container opened = BED.runtime().open(id);
            assertThat(opened.exec(ProcessSpec.of("/bin/true")).exitCode()).isZero();
            opened.destroy();
            assertThat(records).extracting(LogRecord::getMessage)
                    .anySatisfy(m -> assertThat(m).contains("supervisor of " + id).contains("plan's lock: EXITED"));
            PrivilegedBed.assertGone(id);
        } finally {
            jul.removeHandler(handler);
            jul.setLevel(before);
            created.destroy();
        }
        PrivilegedBed.assertGone(id);
    }
}
