package dev.containerv.linux;

import dev.containerv.linux.cgroup.CgroupLayout;
import dev.containerv.spi.FileTrees;
import dev.containerv.testkit.Privileges;
import dev.containerv.testkit.ReadableClasspath;
import dev.containerv.testkit.ThrowawayUser;
import dev.containerv.testkit.UnprivilegedJvm;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rootless containers in a delegated cgroup v2 subtree, for real: as root, this test makes a v2 cgroup (on this hybrid
 * CI host, under {@code /sys/fs/cgroup/unified}, whose tree offers only hugetlb), gives it to a throw-away user the way
 * systemd's {@code Delegate=yes} does (the directory, {@code cgroup.procs}, {@code cgroup.subtree_control} and
 * {@code cgroup.threads} chowned), starts a JVM of that user inside it and runs {@link DelegatedSubtreeChecks} and the
 * rootless conformance suite there (its parity report copied to {@code target/}{@value #DELEGATED_REPORT}).
 * Afterwards nothing may be left in the subtree but the JVM's leaf and the empty containers' parent; the test removes
 * the subtree, the user and its processes, pass or fail. Root only: skipped otherwise, failed where
 * CONTAINERV_REQUIRE_PRIVILEGED=1.
 */
class RootlessCgroupDelegationPrivilegedTest {
    /** The conformance suite's parity report when run inside the delegated subtree, copied to {@code target/}. */
    static final String DELEGATED_REPORT = "conformance-linux-ns-rootless-delegated.md";
    private static final List<String> PASS_THROUGH = List.of(Privileges.REQUIRE_PRIVILEGED_ENV, "CONTAINERV_TESTKIT_ROOTFS", "CONTAINERV_TCK_TIMEOUT");

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aJvmInADelegatedSubtreePlacesLimitsKillsAndRemovesItsContainersThere() throws Exception {
        RootlessSuitePrivilegedTest.requireRootAndTools();
        CgroupLayout layout = CgroupLayout.host();
        if (layout.unified().isEmpty()) {
            String why = "no cgroup v2 tree is mounted on this host (" + layout + "), so no subtree can be delegated";
            if (Privileges.privilegedRequired()) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        Path subtree = layout.unified().get().mountPoint().resolve("containerv-deleg-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        Path base = ThrowawayUser.createBase();
        List<String> problems = new ArrayList<>();
        UnprivilegedJvm.Result result = null;
        String userName = null;
        try {
            Files.createDirectory(subtree);
            try (ThrowawayUser user = ThrowawayUser.create(base)) {
                userName = user.name();
                try {
                    delegate(subtree, user);
                    List<Path> classpath = ReadableClasspath.copy(ReadableClasspath.entries(), base.resolve("classpath"));
                    Path tmp = user.ownDirectory(user.home().resolve("t"));
                    Path runtimeDir = user.ownDirectory(base.resolve("run"));
                    List<String> jvm = UnprivilegedJvm.command(user, classpath, RootlessLauncher.class.getName(),
                            List.of("-Djava.io.tmpdir=" + tmp, "-D" + DelegatedSubtreeChecks.SUBTREE_PROPERTY + "=" + subtree),
                            List.of(DelegatedSubtreeChecks.class.getName(), RootlessConformance.class.getName()));
                    // Root's shell joins the subtree and becomes setpriv, then the user's JVM: it starts in the subtree's
                    // own cgroup, as a JVM started by systemd-run --user --scope -p Delegate=yes does.
                    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                            subtree.resolve("cgroup.procs").toString()));
                    command.addAll(jvm);
                    result = UnprivilegedJvm.run(command, user.home(), user, PASS_THROUGH, Map.of("XDG_RUNTIME_DIR", runtimeDir.toString()),
                            Duration.ofMinutes(8));
                    Path report = user.home().resolve("target").resolve(RootlessSuitePrivilegedTest.REPORT);
                    if (Files.exists(report)) {
                        Files.createDirectories(Path.of("target"));
                        Files.copy(report, Path.of("target", DELEGATED_REPORT), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    List<String> left = leftInSubtree(subtree);
                    if (!left.isEmpty()) {
                        problems.add("left in the delegated subtree " + subtree + ": " + left);
                    }
                } finally {
                    // An orphaned supervisor that has exited is a zombie until this machine's pid 1 reaps it: dead, not left running.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (user.processes().stream().anyMatch(h -> !zombie(h.pid())) && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    for (ProcessHandle h : user.processes()) {
                        if (zombie(h.pid())) {
                            System.out.println("zombie " + h.pid() + " of " + user.name() + " not yet reaped by pid 1: " + status(h.pid()));
                            continue;
                        }
                        problems.add("process " + h.pid() + " of " + user.name() + " left running: " + h.info().commandLine().orElse("?") + " " + status(h.pid()));
                        h.destroyForcibly();
                        h.onExit().get(10, TimeUnit.SECONDS);
                    }
                }
            }
        } finally {
            try {
                removeSubtree(subtree);
            } finally {
                FileTrees.deleteTree(base);
            }
        }
        assertThat(result.exitCode()).as("the delegation checks' child JVM (exit 1: tests failed, 2: none ran); its output:\n%s", result.output())
                .isZero();
        assertThat(problems).as("what the delegation checks left behind").isEmpty();
        assertThat(result.output()).as("the child really ran unprivileged, every check").contains("PASSED DelegatedSubtreeChecks#",
                "PASSED RootlessConformance#", "rootless suite as uid " + userName + ":").doesNotContain("SKIPPED DelegatedSubtreeChecks");
        assertThat(subtree).as("the test's own subtree is gone").doesNotExist();
    }

    private static boolean zombie(long pid) {
        return status(pid).contains("State:\tZ");
    }

    /** The name, state and parent of a process, from /proc. */
    private static String status(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.matches("(Name|State|PPid):.*"))
                    .map(String::strip).toList().toString();
        } catch (IOException e) {
            return "(gone)";
        }
    }

    /** What systemd's Delegate=yes hands to a unit's user: the directory and the three files that let it manage below. */
    private static void delegate(Path subtree, ThrowawayUser user) throws IOException {
        for (Path p : List.of(subtree, subtree.resolve("cgroup.procs"), subtree.resolve("cgroup.subtree_control"), subtree.resolve("cgroup.threads"))) {
            Files.setAttribute(p, "unix:uid", (int) user.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) user.gid(), LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * The cgroups below the subtree other than the JVM's leaf and the containers' parent, and any process still in the
     * subtree.
     */
    private static List<String> leftInSubtree(Path subtree) throws IOException {
        List<String> left = new ArrayList<>();
        try (Stream<Path> all = Files.walk(subtree)) {
            all.filter(Files::isDirectory).filter(d -> !d.equals(subtree) && !d.equals(subtree.resolve("jvm")) && !d.equals(subtree.resolve("containerv")))
                    .forEach(d -> left.add("cgroup " + d));
        }
        String populated = Files.readString(subtree.resolve("cgroup.events"));
        if (!populated.contains("populated 0")) {
            left.add("processes (" + populated.strip().replace('\n', ' ') + ")");
        }
        return left;
    }

    /** Kills whatever is still in the subtree and removes it, deepest cgroups first. */
    private static void removeSubtree(Path subtree) throws Exception {
        if (!Files.isDirectory(subtree)) {
            return;
        }
        Files.writeString(subtree.resolve("cgroup.kill"), "1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(subtree.resolve("cgroup.events")).contains("populated 0") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<Path> dirs;
        try (Stream<Path> all = Files.walk(subtree)) {
            dirs = all.filter(Files::isDirectory).sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
        }
        for (Path d : dirs) {
            Files.delete(d);
        }
    }
}
