package dev.containerv.cli;

import dev.containerv.spi.FileTrees;
import dev.containerv.testkit.Privileges;
import dev.containerv.testkit.ReadableClasspath;
import dev.containerv.testkit.ThrowawayUser;
import dev.containerv.testkit.UnprivilegedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The README's command as a normal user (issue 15's acceptance): {@code containerv run -- /bin/sh -c 'id -u; hostname;
 * ps'} in a JVM of a throw-away unprivileged user, with the default root file system (the host's own root, composed
 * rootless). Needs root to make the user: skipped otherwise, failed instead where CONTAINERV_REQUIRE_PRIVILEGED=1.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliRootlessPrivilegedTest {
    @Test
    void readmeCommandAsANormalUserPrintsUidZeroTheHostnameAndOnlyTheContainersProcesses() throws Exception {
        String missing = ProcessHandle.current().info().user().filter("root"::equals).isEmpty() ? "needs root to make a throw-away user"
                : UnprivilegedJvm.setpriv() == null ? "needs setpriv (util-linux)" : null;
        if (missing != null) {
            if (Privileges.privilegedRequired()) {
                fail(Privileges.REQUIRE_PRIVILEGED_ENV + " is set but the rootless CLI test cannot run: " + missing);
            }
            abort(missing);
        }
        Path base = ThrowawayUser.createBase();
        UnprivilegedJvm.Result r;
        try (ThrowawayUser user = ThrowawayUser.create(base)) {
            List<Path> cp = ReadableClasspath.copy(ReadableClasspath.entries(), base.resolve("classpath"));
            Path run = user.ownDirectory(base.resolve("run"));
            List<String> cmd = UnprivilegedJvm.command(user, cp, Main.class.getName(), List.of("-Djava.io.tmpdir=" + user.home()),
                    List.of("run", "--hostname", "rootless-cli", "--", "/bin/sh", "-c", "id -u; hostname; ps -o pid=,comm="));
            r = UnprivilegedJvm.run(cmd, user.home(), user, List.of(), Map.of("XDG_RUNTIME_DIR", run.toString()), Duration.ofSeconds(120));
            assertThat(user.processes()).as("processes of the user after the command").isEmpty();
            assertThat(run.resolve("containerv")).as("the state root").isEmptyDirectory();
        } finally {
            FileTrees.deleteTree(base);
        }
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> lines = r.output().lines().map(String::strip).toList();
        assertThat(lines.subList(0, 2)).as(r.output()).containsExactly("0", "rootless-cli");
        assertThat(lines.subList(2, lines.size())).as(r.output()).hasSize(3)
                .anySatisfy(l -> assertThat(l).matches("1 containerv-help.*"))
                .anySatisfy(l -> assertThat(l).endsWith(" sh"))
                .anySatisfy(l -> assertThat(l).endsWith(" ps"));
    }
}
