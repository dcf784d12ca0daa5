package dev.containerv.testkit;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerProcess;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ProcessSpec;
import dev.containerv.testkit.reference.Flaw;
import dev.containerv.testkit.reference.HostProcessFixture;
import dev.containerv.testkit.reference.HostProcessRuntime;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture's long-running programs leave no window after spawn. Tests destroy or signal a sleeping process right
 * after spawn; if the fixture started a shell that looks the program up later, a destroy that removes the root first
 * made the program "not found", the process ended by itself, and a provider that keeps processes after destroy
 * passed the test that must catch it (issue 10). The check below removes the root right after spawn and expects the
 * program to live on; a fixture with the window on purpose proves the check sees it. Both kinds of test root run,
 * whatever {@link TestRootfs#KIND_PROPERTY} chose for the shared one.
 */
class FixtureContractTest {
    /**
     * A fixture with the window held open on purpose: its shell looks for {@code sleep} in the root only once the root
     * is gone. (The path is spelled out because busybox's shell would run its own applet without a lookup.)
     */
    static final class ShellThatExecsLater extends HostProcessFixture {
        @Override
        public ProcessSpec.Builder sleep(Duration duration) {
            return sh("n=0; while [ -e \"$CV_ROOT\" ] && [ $n -lt 2000000 ]; do n=$((n+1)); done; exec \"$CV_ROOT/bin/sleep\" 60");
        }
    }

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(TestRootfs.Kind.class)
    void theSleepingProgramOutlivesItsRootAsSoonAsSpawnReturns(TestRootfs.Kind kind) throws Exception {
        Path rootfs = rootOfKind(kind);
        assertThat(windowAfterSpawn(new HostProcessFixture(), rootfs)).as("the fixture's sleep on a %s root", kind).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestRootfs.Kind.class)
    void theCheckSeesAShellThatExecsTheProgramLater(TestRootfs.Kind kind) throws Exception {
        Path rootfs = rootOfKind(kind);
        assertThat(windowAfterSpawn(new ShellThatExecsLater(), rootfs)).as("a shell that execs sleep later, on a %s root", kind)
                .hasValueSatisfying(why -> assertThat(why).contains("ended by itself"));
    }

    private Path rootOfKind(TestRootfs.Kind kind) throws IOException {
        Optional<Path> busybox = TestRootfs.busybox();
        if (kind == TestRootfs.Kind.BUSYBOX) {
            Assumptions.assumeTrue(busybox.isPresent(), "no busybox on this host (apt-get install busybox-static)");
        }
        return TestRootfs.build(tmp.resolve("rootfs-" + kind), kind == TestRootfs.Kind.BUSYBOX ? busybox : Optional.empty());
    }

    /**
     * Spawns the fixture's sleep in a reference container whose destroy removes the root but keeps processes, destroys
     * it at once, and says how the process ended if it did not live on.
     */
    private Optional<String> windowAfterSpawn(GuestFixture fixture, Path rootfs) throws Exception {
        HostProcessRuntime runtime = new HostProcessRuntime("fixture-contract", tmp.resolve("containers"),
                EnumSet.of(Flaw.KEEPS_PROCESSES_AFTER_DESTROY));
        Container c = runtime.create(ContainerSpec.builder().id("fixture-contract").rootfs(rootfs).capabilities(runtime.capabilities()).build());
        ContainerProcess p = c.spawn(fixture.sleep(Duration.ofSeconds(60)).build());
        try {
            c.destroy();
            if (p.waitFor(2, TimeUnit.SECONDS)) {
                return Optional.of("the process ended by itself with exit value " + p.exitValue() + " once its root was removed");
            }
            return Optional.empty();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
