package dev.containerv.cli;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerStats;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.ProcessInfo;
import dev.containerv.api.RuntimeProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OtherCommandsTest {
    private final CliHarness cli = new CliHarness();

    @Test
    void create_makesAPersistentContainer_printsItsId_andDetaches() {
        CliHarness.Result r = cli.run("create", "--id", "keep", "--hostname", "k", "--tmpfs", "/tmp");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("keep\n");
        FakeRuntime.FakeContainer c = cli.runtime.containers.get("keep");
        assertThat(c.spec().persistent()).isTrue();
        assertThat(c.spec().hostname()).isEqualTo("k");
        assertThat(c.detached.get()).isEqualTo(1);
        assertThat(c.destroyed.get()).isZero();
    }

    @Test
    void create_takenId_exits119() {
        cli.runtime.add("taken");

        CliHarness.Result r = cli.run("create", "--id", "taken");

        assertThat(r.code()).isEqualTo(119);
        assertThat(r.err()).contains("exists already");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void create_hasNoProcessOptions() {
        assertThat(cli.run("create", "--workdir", "/x").code()).isEqualTo(2);
    }

    @Test
    void ps_printsTheProcessTable() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        c.processList = List.of(new ProcessInfo(1, 5001, "containerv-helper", 600 * 1024, 10_000_000),
                new ProcessInfo(27, 0, "sh", 3L * 1024 * 1024 / 2, 2_500_000_000L));

        CliHarness.Result r = cli.run("ps", "c1");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(""
                + "PID  HOST PID  NAME                     MEM    CPU\n"
                + "  1      5001  containerv-helper  600.0 KiB  0.01s\n"
                + " 27         -  sh                   1.5 MiB  2.50s\n");
        assertThat(c.detached.get()).isEqualTo(1);
        assertThat(c.destroyed.get()).isZero();
    }

    @Test
    void ps_unknownContainer_exits120() {
        assertThat(cli.run("ps", "nosuch").code()).isEqualTo(120);
    }

    @Test
    void stats_printsEveryFigure() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        c.stats = new ContainerStats(Instant.parse("2026-01-02T03:04:05Z"), 2 * 1024 * 1024, 3 * 1024 * 1024, 1_250_000_000L, 12.5,
                4096, 8192, 3, 4, 100, 200, 5, 6, 2, 9);

        CliHarness.Result r = cli.run("stats", "--sample", "0", "c1");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(""
                + "CONTAINER   c1\n"
                + "MEMORY      2.0 MiB (peak 3.0 MiB)\n"
                + "CPU         1.25s\n"
                + "BLOCK I/O   read 4.0 KiB in 3 ops, written 8.0 KiB in 4 ops\n"
                + "NETWORK     received 100 B in 5 packets, sent 200 B in 6 packets\n"
                + "PROCESSES   2 running, 9 started\n"
                + "AT          2026-01-02T03:04:05Z\n");
        assertThat(c.statsCalls.get()).isEqualTo(1);
        assertThat(c.detached.get()).isEqualTo(1);
    }

    @Test
    void stats_sample_takesTwoSnapshots_andShowsTheCpuShare() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        c.stats = new ContainerStats(Instant.EPOCH, 0, 0, 0, 37.5, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1);

        CliHarness.Result r = cli.run("stats", "--sample", "20", "c1");

        assertThat(c.statsCalls.get()).isEqualTo(2);
        assertThat(r.out()).contains("CPU         0.00s (37.5% of one CPU over 20 ms)");
    }

    @Test
    void stats_negativeSample_isAUsageError() {
        cli.runtime.add("c1");

        CliHarness.Result r = cli.run("stats", "--sample", "-1", "c1");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--sample: invalid value -1");
    }

    @Test
    void cp_upload_resolvesHostPaths_andLeavesTheDestinationRuleToTheApi() {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");

        assertThat(cli.run("cp", "patches", "c1:/src/patches").code()).isZero();
        // The trailing '/' reaches the API, which requires an existing directory there and copies into it.
        assertThat(cli.run("cp", "/etc/hosts", "c1:/tmp/").code()).isZero();

        assertThat(c.copies).containsExactly("upload /work/dir/patches -> /src/patches", "upload /etc/hosts -> /tmp/");
        assertThat(c.detached.get()).isEqualTo(2);
    }

    @Test
    void cp_download_givesTheHostPathAsWritten_theApiNestsIntoAnExistingDirectory(@TempDir Path dir) throws Exception {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        cli.workingDir = dir;
        Files.createDirectory(dir.resolve("existing"));

        assertThat(cli.run("cp", "c1:/src/out", "existing").code()).isZero();
        assertThat(cli.run("cp", "c1:/src/out/", "fresh").code()).isZero();
        assertThat(cli.run("cp", "c1:/src/out", "existing/").code()).isZero();

        assertThat(c.copies).containsExactly("download /src/out -> " + dir.resolve("existing"), "download /src/out/ -> " + dir.resolve("fresh"),
                "download /src/out -> " + dir.resolve("existing"));
    }

    @Test
    void cp_download_toAHostPathEndingInSlash_needsAnExistingDirectory(@TempDir Path dir) throws Exception {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        cli.workingDir = dir;
        Files.writeString(dir.resolve("file"), "x");

        CliHarness.Result missing = cli.run("cp", "c1:/src/out", "nodir/");
        CliHarness.Result file = cli.run("cp", "c1:/src/out", "file/");

        assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains(dir.resolve("nodir") + " does not exist; a DST ending in '/' must be an existing directory");
        assertThat(file.code()).isEqualTo(ExitCodes.INVALID_SPEC);
        assertThat(file.err()).contains("is not a directory");
        assertThat(c.copies).isEmpty();
        assertThat(dir.resolve("nodir")).doesNotExist();
    }

    @Test
    void cp_download_toALinkToADirectory_passesTheLinkItself(@TempDir Path dir) throws Exception {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        cli.workingDir = dir;
        Path victim = Files.createDirectory(dir.resolve("victim"));
        Files.createSymbolicLink(dir.resolve("planted"), victim);

        assertThat(cli.run("cp", "c1:/tmp/payload", "planted").code()).isZero();
        CliHarness.Result slash = cli.run("cp", "c1:/tmp/payload", "planted/");

        assertThat(c.copies).containsExactly("download /tmp/payload -> " + dir.resolve("planted"));
        assertThat(slash.code()).as("a link is not a directory, even written with '/'").isEqualTo(ExitCodes.INVALID_SPEC);
    }

    @Test
    void cp_hostPathsWithDotSegments_areNormalised(@TempDir Path dir) throws Exception {
        FakeRuntime.FakeContainer c = cli.runtime.add("c1");
        cli.workingDir = Files.createDirectories(dir.resolve("proj"));

        assertThat(cli.run("cp", ".", "c1:/src/").code()).isZero();
        assertThat(cli.run("cp", "c1:/etc/hostname", ".").code()).isZero();
        assertThat(cli.run("cp", "c1:/etc/hostname", "../copy").code()).isZero();

        assertThat(c.copies).containsExactly("upload " + dir.resolve("proj") + " -> /src/",
                "download /etc/hostname -> " + dir.resolve("proj"), "download /etc/hostname -> " + dir.resolve("copy"));
    }

    @Test
    void cp_needsExactlyOneContainerSide() {
        cli.runtime.add("c1");

        CliHarness.Result hostToHost = cli.run("cp", "a", "b");
        CliHarness.Result both = cli.run("cp", "c1:/a", "c1:/b");

        assertThat(hostToHost.code()).isEqualTo(2);
        assertThat(hostToHost.err()).contains("exactly one of SRC ('a') and DST ('b') must be a container path ID:PATH");
        assertThat(both.code()).isEqualTo(2);
    }

    @Test
    void cp_badEndpoint_isAUsageError_namingTheSide() {
        CliHarness.Result r = cli.run("cp", "file", "bad id:/x");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("DST: 'bad id:/x'");
    }

    @Test
    void cp_providerFailure_exitsWithTheKindsCode() {
        assertThat(cli.run("cp", "file", "nosuch:/x").code()).isEqualTo(120);
    }

    @Test
    void rm_destroysEach_andPrintsTheIds() {
        FakeRuntime.FakeContainer a = cli.runtime.add("a");
        FakeRuntime.FakeContainer b = cli.runtime.add("b");

        CliHarness.Result r = cli.run("rm", "a", "b");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("a\nb\n");
        assertThat(a.destroyed.get()).isEqualTo(1);
        assertThat(b.destroyed.get()).isEqualTo(1);
    }

    @Test
    void rm_goesOnAfterAFailure_andExitsWithTheFirstFailuresCode() {
        FakeRuntime.FakeContainer b = cli.runtime.add("b");
        FakeRuntime.FakeContainer c = cli.runtime.add("c");
        c.destroyFailure = new ContainerException(ErrorKind.PLATFORM_FAILURE, "umount busy");

        CliHarness.Result r = cli.run("rm", "missing", "b", "c");

        assertThat(r.code()).isEqualTo(120);
        assertThat(r.out()).isEqualTo("b\n");
        assertThat(r.err()).contains("no container with id 'missing'").contains("containerv: umount busy");
        assertThat(b.destroyed.get()).isEqualTo(1);
    }

    @Test
    void rm_force_ignoresMissingContainers_butNotOtherFailures() {
        cli.runtime.add("b").destroyFailure = new ContainerException(ErrorKind.PERMISSION_DENIED, "needs root");

        assertThat(cli.run("rm", "-f", "missing").code()).isZero();
        CliHarness.Result r = cli.run("rm", "--force", "missing", "b");
        assertThat(r.code()).isEqualTo(122);
        assertThat(r.err()).isEqualTo("containerv: needs root\n");
    }

    @Test
    void ls_printsSortedIds() {
        cli.runtime.add("zeta");
        cli.runtime.add("alpha");

        CliHarness.Result r = cli.run("ls");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("alpha\nzeta\n");
    }

    @Test
    void runtimeOption_reachesTheLoader_beforeOrAfterTheCommand() {
        cli.run("--runtime", "linux-ns", "ls");
        cli.run("ls", "--runtime", "other");
        cli.run("ls");

        assertThat(cli.runtimeRequests).containsExactly(Optional.of("linux-ns"), Optional.of("other"), Optional.empty());
    }

    @Test
    void noRuntimeAvailable_printsTheReasons_andExits123() {
        cli.runtimes = name -> {
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, "no containerv runtime is available on this host:\n"
                    + "  linux-ns (priority 100): not available: needs root");
        };

        CliHarness.Result r = cli.run("ls");

        assertThat(r.code()).isEqualTo(123);
        assertThat(r.err()).isEqualTo("containerv: no containerv runtime is available on this host:\n"
                + "  linux-ns (priority 100): not available: needs root\n");
    }

    @Test
    void unknownRuntimeName_exits120() {
        cli.runtimes = name -> {
            throw new ContainerException(ErrorKind.NOT_FOUND, "no containerv runtime is named '" + name.orElseThrow() + "'");
        };

        CliHarness.Result r = cli.run("--runtime", "nope", "ls");

        assertThat(r.code()).isEqualTo(120);
        assertThat(r.err()).contains("no containerv runtime is named 'nope'");
    }

    @Test
    void unexpectedFailure_exits125_withAHintAtVerbose() {
        cli.runtimes = name -> {
            throw new IllegalStateException("boom");
        };

        CliHarness.Result r = cli.run("ls");

        assertThat(r.code()).isEqualTo(125);
        assertThat(r.err()).isEqualTo("containerv: internal error: java.lang.IllegalStateException: boom (run with --verbose for the stack trace)\n");
    }

    @Test
    void runtimes_listsEveryProviderWithItsReason() {
        cli.probes = List.of(new RuntimeProbe("linux-ns", 100, false, "needs root (effective uid 1000)"),
                new RuntimeProbe("windows-hcs", 100, false, "not Windows"));

        CliHarness.Result r = cli.run("runtimes");

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(""
                + "NAME         PRIORITY  AVAILABLE  REASON\n"
                + "linux-ns          100  no         needs root (effective uid 1000)\n"
                + "windows-hcs       100  no         not Windows\n");
        assertThat(cli.runtimeRequests).isEmpty();
    }

    @Test
    void verbose_twice_logsAtDebug_onStandardError() {
        try {
            CliHarness.Result r = cli.run("-vv", "ls");

            assertThat(r.code()).isZero();
            assertThat(r.err()).contains("containerv[DEBUG] dev.containerv.cli.ContainervCommand: using containerv runtime fake");
            assertThat(cli.run("-v", "ls").err()).doesNotContain("[DEBUG]");
            assertThat(cli.run("ls").err()).isEmpty();
        } finally {
            Logging.configure(0, System.err);
        }
    }
}
