package dev.containerv.linux.helper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warm standbys ({@code containerv-helper init <room> standby:<idle-ms>}) with the helper this build made: one is started ahead
 * and given to one create only, names the plan it is given on its command line, and leaves no process when it is
 * discarded (unused, too old, or too small for the plan's path) or ends itself (idle). Runs as any user: a standby without {@code userns-self}
 * only waits for its line, and these plans are refused before anything is made.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StandbysTest {
    @TempDir
    Path dir;
    private Path helper;
    private final List<Standbys> made = new ArrayList<>();

    @BeforeEach
    void helper() {
        helper = TestSupport.requireBuiltHelper();
        // The creates of other test classes in this JVM leave this JVM's standby of the runtime's helper.
        Standbys.shared().discardAll();
    }

    @AfterEach
    void discard() {
        made.forEach(Standbys::discardAll);
    }

    private Standbys standbys(Duration idle) {
        Standbys s = new Standbys(idle);
        made.add(s);
        return s;
    }

    private static Stream<ProcessHandle> helpers() {
        return ProcessHandle.current().children().filter(p -> p.info().command().orElse("").endsWith("containerv-helper"));
    }

    /** This JVM's standbys not given a plan yet: their command line still has the room where the plan goes. */
    private static List<ProcessHandle> waiting() {
        return helpers().filter(p -> p.info().commandLine().orElse("").contains("--- standby")).toList();
    }

    private static List<ProcessHandle> await(java.util.function.Supplier<List<ProcessHandle>> look, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ProcessHandle> seen = look.get();
        while (seen.size() != size && System.nanoTime() < deadline) {
            Thread.sleep(10);
            seen = look.get();
        }
        return seen;
    }

    @Test
    void aCreateTakesTheStandbyStartedBeforeItAndItsCommandLineThenNamesThePlan() throws Exception {
        Standbys s = standbys(Duration.ofSeconds(30));
        s.refill(helper, false, Standbys.roomFor(dir));
        List<ProcessHandle> before = await(StandbysTest::waiting, 1);
        assertThat(before).as("the standby, started before any create").hasSize(1);
        // A FIFO as the plan: the supervisor blocks opening it, long enough to read its command line.
        Path plan = dir.resolve("c1").resolve("plan");
        Files.createDirectories(plan.getParent());
        assertThat(new ProcessBuilder("mkfifo", plan.toString()).start().waitFor()).isZero();
        Path log = Files.createFile(dir.resolve("helper.log"));
        EarlyStart taken = s.take(helper, false, plan).orElseThrow();
        Process p = taken.process();
        try {
            takenAndNamed(s, taken, p, before.get(0), plan, log);
        } finally {
            // Blocked opening the FIFO it would not end at the end of its stdin: this test must not leave it.
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void takenAndNamed(Standbys s, EarlyStart taken, Process p, ProcessHandle before, Path plan, Path log) throws Exception {
        assertThat(p.pid()).as("the process the create gets is the one started before it").isEqualTo(before.pid());
        assertThat(s.take(helper, false, plan)).as("taken once only").isEmpty();
        taken.go(log);
        String named = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!named.contains(plan.toString()) && System.nanoTime() < deadline) {
            named = p.info().commandLine().orElse("");
            Thread.sleep(10);
        }
        assertThat(named).as("its command line, as ps shows it").contains(plan + " standby").doesNotContain("---");
        // Opening it lets the supervisor on: it refuses a plan that is not a regular file (and may close it first).
        try (OutputStream w = Files.newOutputStream(plan)) {
            w.write("not a plan\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // EPIPE: it has refused it already
        }
        try (RandomAccessFile r = new RandomAccessFile(log.toFile(), "r")) {
            StatusLine status = InitLauncher.readStatus(p, "op", "c1", r);
            assertThat(((StatusLine.Error) status).failure().step()).isEqualTo("plan");
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log)).as("the log named on the line is its stderr").contains("supervisor: error plan");
    }

    /** A create asks for the next standby in the background; the one started there is held and taken as any other. */
    @Test
    void aStandbyStartedInTheBackgroundIsHeldForTheNextCreate() throws Exception {
        Standbys s = standbys(Duration.ofSeconds(30));
        s.refillInBackground(helper, false, Standbys.roomFor(dir));
        assertThat(await(StandbysTest::waiting, 1)).as("the standby, started on the standbys' own thread").hasSize(1);
        EarlyStart taken = s.take(helper, false, dir.resolve("c1/plan")).orElseThrow();
        taken.discard();
        assertThat(await(StandbysTest::waiting, 0)).isEmpty();
    }

    /**
     * A discard right after a background start asked for waits for that start and ends what it started: a test (or the
     * JVM's exit hook) that discards every standby must not see one appear afterwards.
     */
    @Test
    void discardingAllWaitsForTheStartsAskedForBeforeIt() throws Exception {
        Standbys s = standbys(Duration.ofSeconds(30));
        s.refillInBackground(helper, false, Standbys.roomFor(dir));
        s.discardAll();
        assertThat(waiting()).as("standbys right after the discard").isEmpty();
        Thread.sleep(300);
        assertThat(waiting()).as("standbys started after the discard returned").isEmpty();
        assertThat(s.take(helper, false, dir.resolve("c1/plan"))).as("nothing held after the discard").isEmpty();
    }

    /** It ends itself: this JVM keeps no thread to end it. */
    @Test
    void aStandbyNotTakenWithinItsIdleLimitEndsAndLeavesNoProcess() throws Exception {
        Standbys s = standbys(Duration.ofMillis(300));
        s.refill(helper, false, Standbys.roomFor(dir));
        List<ProcessHandle> started = await(StandbysTest::waiting, 1);
        assertThat(started).hasSize(1);
        assertThat(started.get(0).onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(s.take(helper, false, dir.resolve("c1/plan"))).as("nothing held after the idle time").isEmpty();
        assertThat(await(StandbysTest::waiting, 0)).isEmpty();
    }

    /** A create could otherwise send its line just after the standby gave up waiting for it. */
    @Test
    void aStandbyOlderThanHalfItsIdleLimitIsDiscardedNotGiven() throws Exception {
        Standbys s = standbys(Duration.ofSeconds(4));
        s.refill(helper, false, Standbys.roomFor(dir));
        List<ProcessHandle> started = await(StandbysTest::waiting, 1);
        assertThat(started).hasSize(1);
        Thread.sleep(2100);
        assertThat(started.get(0).isAlive()).as("still within its limit").isTrue();
        assertThat(s.take(helper, false, dir.resolve("c1/plan"))).isEmpty();
        assertThat(started.get(0).isAlive()).as("discarded").isFalse();
        s.refill(helper, false, Standbys.roomFor(dir));
        assertThat(s.take(helper, false, dir.resolve("c1/plan"))).as("a new one").isPresent().get().satisfies(EarlyStart::discard);
    }

    @Test
    void aTakenStandbyThatIsDiscardedBeforeItsPlanLeavesNoProcess() throws Exception {
        Standbys s = standbys(Duration.ofSeconds(30));
        s.refill(helper, false, Standbys.roomFor(dir));
        EarlyStart taken = s.take(helper, false, dir.resolve("c1/plan")).orElseThrow();
        Process p = taken.process();
        // What a create does when it fails on the Java side before the plan is written.
        taken.discard();
        assertThat(p.isAlive()).isFalse();
        assertThat(p.exitValue()).as("end of file before its line: nothing made").isZero();
        assertThat(helpers().toList()).isEmpty();
    }

    @Test
    void concurrentTakesNeverShareAStandby() throws Exception {
        Standbys s = standbys(Duration.ofSeconds(30));
        for (int round = 0; round < 10; round++) {
            s.refill(helper, false, Standbys.roomFor(dir));
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Optional<EarlyStart>>> takes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Path plan = dir.resolve("c" + i).resolve("plan");
                takes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return s.take(helper, false, plan);
                }));
            }
            go.countDown();
            List<EarlyStart> got = new ArrayList<>();
            for (CompletableFuture<Optional<EarlyStart>> t : takes) {
                t.get(10, TimeUnit.SECONDS).ifPresent(got::add);
            }
            assertThat(got).as("round " + round).hasSize(1);
            got.forEach(EarlyStart::discard);
        }
        assertThat(helpers().toList()).isEmpty();
    }

    @Test
    void oneStandbyIsHeldPerHelperAndModeHoweverOftenItIsRefilled() throws Exception {
        Standbys s = standbys(Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            s.refill(helper, false, Standbys.roomFor(dir));
        }
        assertThat(await(StandbysTest::waiting, 1)).hasSize(1);
        Thread.sleep(100);
        assertThat(waiting()).hasSize(1);
        s.discardAll();
        assertThat(helpers().toList()).isEmpty();
    }

    @Test
    void aStandbyWithTooLittleRoomForThePlansPathIsDiscardedNotGiven() throws Exception {
        Standbys s = standbys(Duration.ofSeconds(30));
        s.refill(helper, false, 8);
        assertThat(await(StandbysTest::waiting, 1)).hasSize(1);
        assertThat(s.take(helper, false, dir.resolve("c1/plan"))).isEmpty();
        assertThat(helpers().toList()).isEmpty();
    }

    /** The helper's own check, should Java ever size the room wrong: the line is refused, nothing is overwritten. */
    @Test
    void theHelperRefusesAPlanPathLongerThanItsRoom() throws Exception {
        Path log = Files.createFile(dir.resolve("helper.log"));
        EarlyStart start = EarlyStart.standby(helper, 8, false, Duration.ofSeconds(30)).forPlan(dir.resolve("c1/plan"));
        Process p = start.process();
        start.go(log);
        try (RandomAccessFile r = new RandomAccessFile(log.toFile(), "r")) {
            StatusLine status = InitLauncher.readStatus(p, "op", "c1", r);
            HelperFailure f = ((StatusLine.Error) status).failure();
            assertThat(f.step()).isEqualTo("plan");
            assertThat(f.errnoName()).isEqualTo("ENAMETOOLONG");
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
    }

    /** Its orderly exit waits for the standby's end: a JVM that has ended has no standby left (none lingers a moment). */
    @Test
    void aJvmThatEndsLeavesNoStandbyBehind() throws Exception {
        for (int round = 0; round < 5; round++) {
            Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-XX:-UsePerfData",
                    "-cp", System.getProperty("java.class.path"), StandbyExitProbe.class.getName(), helper.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String pid = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(pid).as("the standby's pid").matches("[0-9]+");
            Optional<ProcessHandle> standby = ProcessHandle.of(Long.parseLong(pid));
            assertThat(standby.map(ProcessHandle::isAlive).orElse(false)).as("round " + round + ": standby " + pid + " alive after its JVM ended")
                    .isFalse();
        }
    }
}
