package dev.containerv.linux;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the init gets into its cgroups without the RCU grace period a migration through {@code cgroup.procs} waits
 * for (about 10 ms per create here): the clone puts it into the cgroup v2 directory (clone3 CLONE_INTO_CGROUP) and
 * the init moves its one thread into each v1 hierarchy through {@code tasks}. Not timed: the helper's log says which
 * way was taken, and the init's {@code /proc/<pid>/cgroup} shows that it arrived everywhere.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CgroupJoinPrivilegedTest {
    @RegisterExtension
    static final PrivilegedBed BED = PrivilegedBed.asRoot("cv-cgjoin-test");

    @Test
    void theCloneJoinsTheV2CgroupAndTheInitTheV1Hierarchies() throws Exception {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        try (Container c = BED.runtime().create(ContainerSpec.builder().id(id).rootfs(BED.rootfs()).build())) {
            Path state = Path.of("/run/containerv", id);
            List<Path> procs = Files.readAllLines(state.resolve("plan")).stream().filter(l -> l.startsWith("cgroup-procs "))
                    .map(l -> Path.of(l.substring("cgroup-procs ".length()).trim())).toList();
            assertThat(procs).as("this host's cgroup mounts give the container cgroups").isNotEmpty();
            long v1 = 0;
            boolean v2 = false;
            for (Path p : procs) {
                String type = Files.getFileStore(p.getParent()).type();
                v1 += type.equals("cgroup") ? 1 : 0;
                v2 |= type.equals("cgroup2");
            }
            var sleeper = c.spawn(ProcessSpec.of("/bin/sleep", "30"));
            long init = ProcessHandle.of(sleeper.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
            String cgroups = Files.readString(Path.of("/proc", Long.toString(init), "cgroup"));
            String log = Files.readString(state.resolve("helper.log"));
            if (v2) {
                assertThat(log).contains("into its cgroup v2 directory");
                assertThat(cgroups).containsPattern("(?m)^0::/containerv/" + id + "$");
            }
            if (v1 > 0) {
                assertThat(log).contains("joined " + v1 + " cgroup v1 hierarchies through their tasks files");
            }
            for (Path p : procs) {
                String controllers = Files.getFileStore(p.getParent()).type().equals("cgroup2") ? "" : p.getParent().getParent().getParent().getFileName().toString();
                if (!controllers.isEmpty()) {
                    assertThat(cgroups).as("the init in the %s hierarchy", controllers).containsPattern("(?m)^\\d+:[^:]*" + controllers.replace(",", ".") + "[^:]*:/containerv/" + id + "$");
                }
            }
            sleeper.destroyForcibly();
        }
        PrivilegedBed.assertGone(id);
    }
}
