package dev.containerv.linux.helper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A supervisor started before its plan is written ({@code containerv-helper init <plan> early}), with the helper this
 * build made: an unused start leaves nothing, a bad line is refused on the status pipe, the log becomes its stderr, and
 * a user namespace made before the plan was read must have the plan's maps.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EarlyStartTest {
    @TempDir
    Path dir;
    private Path helper;

    @BeforeEach
    void helper() {
        helper = TestSupport.requireBuiltHelper();
        // The creates of other test classes in this JVM leave this JVM's standby of the runtime's helper.
        Standbys.shared().discardAll();
    }

    private static java.util.stream.Stream<ProcessHandle> helpers() {
        return ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("containerv-helper"));
    }

    private static Process started(EarlyStart early, Path log) throws java.io.IOException {
        Process p = early.process();
        early.go(log);
        return p;
    }

    @Test
    void anUnusedStartNamesItsPlanThenEndsAtTheEndOfItsStdinAndLeavesNoProcess() throws Exception {
        Path plan = dir.resolve("plan");
        EarlyStart early = EarlyStart.begin(helper, plan, false);
        // Waiting for its line, it names its plan on its command line, as a supervisor started after the plan does.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (helpers().noneMatch(p -> p.info().commandLine().orElse("").contains(plan.toString())) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(helpers().filter(p -> p.info().commandLine().orElse("").contains(plan + " early"))).hasSize(1);
        early.discard();
        assertThat(helpers()).isEmpty();
    }

    @Test
    void aLogPathThatIsNotAbsoluteIsRefusedOnTheStatusPipe() throws Exception {
        Path log = Files.createFile(dir.resolve("helper.log"));
        Process p = started(EarlyStart.begin(helper, dir.resolve("plan"), false), Path.of("relative/helper.log"));
        try (RandomAccessFile r = new RandomAccessFile(log.toFile(), "r")) {
            StatusLine status = InitLauncher.readStatus(p, "op", "c1", r);
            assertThat(status).isInstanceOf(StatusLine.Error.class);
            HelperFailure f = ((StatusLine.Error) status).failure();
            assertThat(f.step()).isEqualTo("plan");
            assertThat(f.detail()).contains("log path is not absolute");
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
    }

    @Test
    void theLogNamedOnTheLineBecomesItsStderr() throws Exception {
        Path log = Files.createFile(dir.resolve("helper log"));
        Process p = started(EarlyStart.begin(helper, dir.resolve("no such plan"), false), log);
        try (RandomAccessFile r = new RandomAccessFile(log.toFile(), "r")) {
            StatusLine status = InitLauncher.readStatus(p, "op", "c1", r);
            assertThat(((StatusLine.Error) status).failure().errnoName()).isEqualTo("ENOENT");
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log)).contains("supervisor: error plan").contains("ENOENT");
    }

    /** The namespace maps the helper's own ids to 0 before it has read the plan: a plan naming other maps is refused. */
    @Test
    void aUserNamespaceMadeBeforeThePlanMustHaveThePlansMaps() throws Exception {
        long euid = Long.parseLong(Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .findFirst().orElseThrow().split("\\s+")[2]);
        long other = euid == 4242 ? 4243 : 4242;
        Path plan = Files.writeString(dir.resolve("plan"), "containerv-plan 2\nid c1\nhostname c1\nstate-dir " + dir + "\ncontrol-socket "
                + dir.resolve("control") + "\nrootfs " + dir + "\nupper " + dir + "\nwork " + dir + "\nmerged " + dir + "\nuid-map 0 "
                + other + " 1\ngid-map 0 " + other + " 1\nsetgroups deny\nuserns-self\n");
        Path log = Files.createFile(dir.resolve("helper.log"));
        Process p = started(EarlyStart.begin(helper, plan, true), log);
        HelperFailure f;
        try (RandomAccessFile r = new RandomAccessFile(log.toFile(), "r")) {
            StatusLine status = InitLauncher.readStatus(p, "op", "c1", r);
            f = ((StatusLine.Error) status).failure();
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assumeThat(f.syscall()).as("this host lets no process make a user namespace: " + f).isNotEqualTo("unshare");
        assertThat(f.step()).isEqualTo("user-namespace");
        assertThat(f.path()).isEqualTo("/proc/self/uid_map");
        assertThat(f.detail()).contains("does not have the plan's maps");
        assertThat(InitLauncher.waitQuietly(p, Duration.ofSeconds(1))).isEqualTo(1);
    }
}
