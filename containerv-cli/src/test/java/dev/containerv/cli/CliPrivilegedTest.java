package dev.containerv.cli;

import dev.containerv.api.ContainerRuntimes;
import dev.containerv.api.RuntimeProbe;
import dev.containerv.testkit.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The real command against the Linux provider, as root: the README's command in a child JVM exactly as a user runs
 * it, stdin and exit codes through real pipes, Ctrl-C cleanup, and a create/exec/cp/ps/stats/ls/rm lifecycle.
 * Skipped with the provider's reason where it is not available; fails instead when
 * {@code CONTAINERV_REQUIRE_PRIVILEGED=1}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliPrivilegedTest {
    private static final Path STATE_ROOT = Path.of("/run/containerv");
    private final List<String> ids = new ArrayList<>();

    // Per test, not @BeforeAll: each test then shows as skipped with the reason instead of vanishing from the report.
    @BeforeEach
    void linuxProviderAvailable() {
        Optional<RuntimeProbe> linux = ContainerRuntimes.probeAll().stream().filter(p -> p.name().equals("linux-ns")).findFirst();
        String reason = linux.isEmpty() ? "the linux-ns provider is not on the class path"
                : linux.get().available() ? null : "linux-ns is not available here: " + linux.get().reason();
        if (reason != null) {
            if (Privileges.privilegedRequired()) {
                fail(Privileges.REQUIRE_PRIVILEGED_ENV + " is set but the real CLI test cannot run: " + reason);
            }
            abort(reason);
        }
    }

    @AfterEach
    void removeContainers() {
        // A failed assertion must not leave a container behind.
        for (String id : ids) {
            if (Files.exists(STATE_ROOT.resolve(id))) {
                inProcess("rm", "-f", id);
            }
        }
    }

    @Test
    void readmeCommand_printsTheHostnameAndOnlyTheContainersProcesses() throws Exception {
        String id = newId();

        Child r = child("", "run", "--id", id, "--", "/bin/sh", "-c", "hostname; ps");

        assertThat(r.code).as(r.err).isZero();
        List<String> lines = r.out.lines().toList();
        assertThat(lines.get(0)).isEqualTo(id);
        assertThat(lines.get(1)).contains("PID").contains("CMD");
        assertThat(lines.subList(2, lines.size())).as(r.out).hasSize(3)
                .anySatisfy(l -> assertThat(l).matches("\\s*1 .*containerv-help.*"))
                .anySatisfy(l -> assertThat(l).endsWith(" sh"))
                .anySatisfy(l -> assertThat(l).endsWith(" ps"));
        assertThat(STATE_ROOT.resolve(id)).doesNotExist();
    }

    @Test
    void run_stdinAndExitCodesGoThroughRealPipes() throws Exception {
        Child cat = child("through the pipe\n", "run", "--hostname", "piped", "--", "/bin/sh", "-c", "cat; hostname; echo to-err >&2; exit 42");
        Child missing = child("", "run", "--", "/no/such/program");

        assertThat(cat.code).isEqualTo(42);
        assertThat(cat.out).isEqualTo("through the pipe\npiped\n");
        assertThat(cat.err).isEqualTo("to-err\n");
        assertThat(missing.code).isEqualTo(127);
        assertThat(missing.err).startsWith("containerv: ").contains("/no/such/program").contains("errno ENOENT").doesNotContain("\tat ");
    }

    @Test
    void run_sigterm_destroysTheContainer() throws Exception {
        String id = newId();
        Process p = childProcess("run", "--id", id, "--", "/bin/sleep", "100");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(STATE_ROOT.resolve(id).resolve("control")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(STATE_ROOT.resolve(id)).exists();
        Thread.sleep(300); // let the spawn happen, so that a running command is interrupted

        p.destroy(); // SIGTERM: the shutdown hook path, the same as Ctrl-C's

        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(STATE_ROOT.resolve(id)).doesNotExist();
        // The writable layer: <id>+upper and <id>+work (and <id> of earlier versions or a tmpfs layout).
        for (String layer : List.of(id, id + "+upper", id + "+work")) {
            assertThat(Path.of("/var/lib/containerv").resolve(layer)).doesNotExist();
        }
    }

    @Test
    void lifecycle_createExecCpPsStatsLsRm(@TempDir Path dir) throws Exception {
        String id = newId();
        Path file = Files.writeString(dir.resolve("in.txt"), "from the host\n");

        CliHarness.Result created = inProcess("create", "--id", id, "--hostname", "life", "--tmpfs", "/work");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo(id + "\n");
        // The container outlives the command that made it.
        assertThat(child("", "exec", id, "--", "/bin/hostname").out).isEqualTo("life\n");

        assertThat(inProcess("cp", file.toString(), id + ":/work/").code()).isZero();
        assertThat(inProcess("exec", "--no-stdin", id, "--", "/bin/cat", "/work/in.txt").out()).isEqualTo("from the host\n");
        assertThat(inProcess("exec", "--no-stdin", "-w", "/work", "-e", "X=1", id, "--", "/bin/sh", "-c", "echo $X > made.txt").code()).isZero();
        assertThat(inProcess("cp", id + ":/work/made.txt", dir.toString()).code()).isZero();
        assertThat(dir.resolve("made.txt")).hasContent("1");

        CliHarness.Result ps = inProcess("ps", id);
        assertThat(ps.out()).startsWith("PID  HOST PID  NAME").contains("containerv-help");
        CliHarness.Result stats = inProcess("stats", "--sample", "0", id);
        assertThat(stats.out()).contains("CONTAINER   " + id).contains("PROCESSES   ");
        assertThat(inProcess("ls").out().lines()).contains(id);

        CliHarness.Result rm = inProcess("rm", id);
        assertThat(rm.code()).isZero();
        assertThat(rm.out()).isEqualTo(id + "\n");
        assertThat(STATE_ROOT.resolve(id)).doesNotExist();
        assertThat(inProcess("exec", id, "--", "/bin/true").code()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void cp_aLinkPlantedByOneDownloadIsReplacedByTheNext_neverWrittenThrough(@TempDir Path dir) throws Exception {
        String id = newId();
        Path victim = Files.createDirectories(dir.resolve("victim"));
        assertThat(inProcess("create", "--id", id, "--tmpfs", "/work").code()).isZero();
        CliHarness.Result plant = inProcess("exec", "--no-stdin", id, "--", "/bin/sh", "-c",
                "ln -s " + victim + " /work/plant && echo payload > /work/payload");
        assertThat(plant.code()).as(plant.err()).isZero();

        assertThat(inProcess("cp", id + ":/work/plant", dir.resolve("x").toString()).code()).isZero();
        assertThat(Files.readSymbolicLink(dir.resolve("x"))).isEqualTo(victim);
        CliHarness.Result second = inProcess("cp", id + ":/work/payload", dir.resolve("x").toString());

        assertThat(second.code()).as(second.err()).isZero();
        assertThat(Files.isSymbolicLink(dir.resolve("x"))).isFalse();
        assertThat(dir.resolve("x")).hasContent("payload");
        assertThat(victim).isEmptyDirectory();
        assertThat(inProcess("rm", id).code()).isZero();
    }

    @Test
    void cp_followsTheCpRule_inBothDirections(@TempDir Path dir) throws Exception {
        String id = newId();
        assertThat(inProcess("create", "--id", id, "--tmpfs", "/work").code()).isZero();
        Path one = Files.writeString(dir.resolve("one.txt"), "one");
        Path two = Files.writeString(dir.resolve("two.txt"), "two");
        Path tree = Files.createDirectories(dir.resolve("build"));
        Files.writeString(tree.resolve("x.txt"), "x");

        // Upload: file to a new path, onto a file, into a directory; a directory to a new path, then into it.
        assertThat(inProcess("cp", one.toString(), id + ":/work/f").code()).isZero();
        assertThat(inProcess("cp", two.toString(), id + ":/work/f").code()).isZero();
        assertThat(inProcess("cp", two.toString(), id + ":/work").code()).isZero();
        assertThat(inProcess("cp", tree.toString(), id + ":/work/t").code()).isZero();
        assertThat(inProcess("cp", tree.toString(), id + ":/work/t").code()).isZero();
        CliHarness.Result clash = inProcess("cp", tree.toString(), id + ":/work/f");
        CliHarness.Result missing = inProcess("cp", one.toString(), id + ":/work/nodir/");
        String listing = inProcess("exec", "--no-stdin", id, "--", "/bin/sh", "-c",
                "cat /work/f; echo; cat /work/two.txt; echo; cd /work/t && find . | sort").out();
        assertThat(listing).isEqualTo("two\ntwo\n.\n./build\n./build/x.txt\n./x.txt\n");
        assertThat(clash.code()).as(clash.err()).isEqualTo(ExitCodes.INVALID_SPEC);
        assertThat(clash.err()).contains("/work/f is not a directory");
        assertThat(missing.code()).as(missing.err()).isEqualTo(ExitCodes.NOT_FOUND);

        // Download: the same four cases into a host directory.
        Path out = Files.createDirectories(dir.resolve("out"));
        assertThat(inProcess("cp", id + ":/work/f", out.resolve("f").toString()).code()).isZero();
        Files.writeString(out.resolve("g"), "stale");
        assertThat(inProcess("cp", id + ":/work/f", out.resolve("g").toString()).code()).isZero();
        assertThat(inProcess("cp", id + ":/work/f", out + "/").code()).isZero();
        assertThat(inProcess("cp", id + ":/work/t", out.resolve("t").toString()).code()).isZero();
        assertThat(inProcess("cp", id + ":/work/t", out.resolve("t").toString()).code()).isZero();
        assertThat(out.resolve("g")).hasContent("two");
        assertThat(out.resolve("f")).hasContent("two");
        assertThat(out.resolve("t/x.txt")).hasContent("x");
        assertThat(out.resolve("t/build/x.txt")).hasContent("x");
        assertThat(out.resolve("t/t/x.txt")).hasContent("x");
        assertThat(inProcess("rm", id).code()).isZero();
    }

    @Test
    void optionsAfterTheId_timeout_andStopTimeout_withTheRealRuntime() throws Exception {
        String id = newId();
        assertThat(inProcess("create", "--id", id).code()).isZero();
        CliHarness.Result pwd = inProcess("exec", "--no-stdin", id, "-w", "/tmp", "-e", "X=1", "--", "/bin/sh", "-c", "echo $X; pwd");
        assertThat(pwd.out()).as(pwd.err()).isEqualTo("1\n/tmp\n");

        long started = System.nanoTime();
        CliHarness.Result timedOut = inProcess("exec", "--no-stdin", "--timeout", "500ms", id, "/bin/sleep", "30");
        assertThat(timedOut.code()).as(timedOut.err()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(timedOut.err()).contains("did not finish within 500 ms");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(10_000);
        assertThat(inProcess("exec", "--no-stdin", id, "--", "/bin/true").code()).as("exec --timeout leaves the container running").isZero();

        // A command that ignores SIGTERM: --stop-timeout 0 kills it with the container at once, not after the default 10 s.
        started = System.nanoTime();
        CliHarness.Result run = inProcess("run", "--no-stdin", "--timeout", "1", "--stop-timeout", "0", "--",
                "/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done");
        assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(8_000);

        started = System.nanoTime();
        assertThat(inProcess("rm", "--time", "0", id).code()).isZero();
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(8_000);
        assertThat(STATE_ROOT.resolve(id)).doesNotExist();
    }

    @Test
    void run_readOnlyGivesARootThatRefusesWritesWhileATmpfsTakesThem() {
        String id = newId();
        CliHarness.Result run = inProcess("run", "--no-stdin", "--id", id, "--read-only", "--tmpfs", "/tmp", "--",
                "/bin/sh", "-c", "touch /cv-cli-read-only 2>&1; echo t > /tmp/f && cat /tmp/f");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("Read-only file system").endsWith("t\n");
        assertThat(Path.of("/cv-cli-read-only")).doesNotExist();
        assertThat(Path.of("/var/lib/containerv").resolve(id)).doesNotExist();
        CliHarness.Result writable = inProcess("run", "--no-stdin", "--id", newId(), "--tmpfs", "/tmp", "--",
                "/bin/sh", "-c", "touch /cv-cli-read-only && echo written");
        assertThat(writable.out()).as("without --read-only the same write goes to the private layer").isEqualTo("written\n");
    }

    private String newId() {
        String id = "cli-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        ids.add(id);
        return id;
    }

    /** The command in this JVM with the real runtime and the host's environment, streams captured. */
    private static CliHarness.Result inProcess(String... args) {
        return CliHarness.system(System::getenv, args);
    }

    private record Child(int code, String out, String err) {
    }

    /** The command in a child JVM, as {@code bin/containerv} would start it, with {@code stdin} as its input. */
    private static Child child(String stdin, String... args) throws IOException, InterruptedException {
        Process p = childProcess(args);
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        var out = new java.util.concurrent.CompletableFuture<String>();
        Thread reader = new Thread(() -> {
            try {
                out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.completeExceptionally(e);
            }
        });
        reader.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("containerv " + String.join(" ", args) + " did not end within 60 s");
        }
        reader.join();
        return new Child(p.exitValue(), out.join(), err);
    }

    private static Process childProcess(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }
}
