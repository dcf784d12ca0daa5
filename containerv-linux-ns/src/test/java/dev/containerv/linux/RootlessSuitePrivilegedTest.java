package dev.containerv.linux;

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
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rootless suite: CI runs as root, so this test makes a throw-away user, gives it a readable copy of the test
 * class path and runs the rootless test classes ({@link #CHILD_CLASSES}) in a JVM of that user ({@link UnprivilegedJvm}),
 * where nothing is privileged. The child's failures fail this test with the child's whole output; the child's parity
 * report {@code conformance-linux-ns-rootless.md} is copied to {@code target/}. Needs root to make the user: skipped
 * otherwise, failed instead where CONTAINERV_REQUIRE_PRIVILEGED=1. The user, its home, the class path copy and every
 * process of the user are gone afterwards, pass or fail.
 */
class RootlessSuitePrivilegedTest {
    /** What the child runs, as the unprivileged user. */
    static final List<String> CHILD_CLASSES = List.of(RootlessChecks.class.getName(), RootlessConformance.class.getName(),
            EscapePrivilegedTest.class.getName(), RedTeamPrivilegedTest.class.getName(), LinuxContainerPrivilegedTest.class.getName(),
            ReadOnlyRootPrivilegedTest.class.getName(), ReadOnlyRootEscapePrivilegedTest.class.getName());
    /** Variables of this JVM the child sees too. */
    private static final List<String> PASS_THROUGH = List.of(Privileges.REQUIRE_PRIVILEGED_ENV, "CONTAINERV_TCK_TIMEOUT",
            "CONTAINERV_TESTKIT_ROOTFS", "CONTAINERV_SECCOMP_LOG");
    static final String REPORT = "conformance-linux-ns-rootless.md";

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void theRootlessSuitePassesInAJvmOfAThrowawayUnprivilegedUser() throws Exception {
        requireRootAndTools();
        // The Debian tree of the root suite (made with debootstrap as root; a normal user cannot): the child runs it rootless.
        String debian;
        try {
            debian = "-D" + RootlessChecks.DEBIAN_PROPERTY + "=" + DebianRootfsPrivilegedTest.ensureTree();
        } catch (org.opentest4j.TestAbortedException e) {
            debian = "-D" + RootlessChecks.DEBIAN_MISSING_PROPERTY + "=" + e.getMessage();
        }
        Path base = ThrowawayUser.createBase();
        List<String> problems = new ArrayList<>();
        UnprivilegedJvm.Result result = null;
        String userName = null;
        try {
            try (ThrowawayUser user = ThrowawayUser.create(base)) {
                userName = user.name();
                SubordinateRanges ranges = null;
                try {
                    // Subordinate ids for the mapping tests (uidmap's newuidmap/newgidmap), removed again below.
                    ranges = SubordinateRanges.grant(user.name(), Path.of("/etc"));
                    List<Path> classpath = ReadableClasspath.copy(ReadableClasspath.entries(), base.resolve("classpath"));
                    Path tmp = user.ownDirectory(user.home().resolve("t"));
                    // The escape probe and the other test programs of make test, where the suites look for them.
                    Path target = user.ownDirectory(user.home().resolve("target"));
                    copyAs(Path.of("target/native-test/test"), target.resolve("native-test/test"));
                    // The helper as the build left it, which a test names as the spec's own helper.
                    copyAs(Path.of("target/classes/dev/containerv/linux/native"), target.resolve("classes/dev/containerv/linux/native"));
                    // What pam_systemd gives a login: a runtime directory of the user's own, mode 0700.
                    Path runtimeDir = user.ownDirectory(base.resolve("run"));
                    List<String> command = UnprivilegedJvm.command(user, classpath, RootlessLauncher.class.getName(),
                            List.of("-Djava.io.tmpdir=" + tmp, debian, "-D" + RootlessChecks.SUBUID_PROPERTY + "=" + ranges.uids(),
                                    "-D" + RootlessChecks.SUBGID_PROPERTY + "=" + ranges.gids()), childClasses());
                    result = UnprivilegedJvm.run(command, user.home(), user, PASS_THROUGH, Map.of("XDG_RUNTIME_DIR", runtimeDir.toString()),
                            Duration.ofMinutes(35));
                    Path report = user.home().resolve("target").resolve(REPORT);
                    if (Files.exists(report)) {
                        Files.createDirectories(Path.of("target"));
                        Files.copy(report, Path.of("target", REPORT), StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    for (ProcessHandle h : user.processes()) {
                        problems.add("process " + h.pid() + " of " + user.name() + " left running: " + h.info().commandLine().orElse("?"));
                        h.destroyForcibly();
                        h.onExit().get(10, TimeUnit.SECONDS);
                    }
                    // Processes of the subordinate ids too (a container's user other than root).
                    if (ranges != null) {
                        for (ProcessHandle h : ranges.processes()) {
                            problems.add("process " + h.pid() + " of a subordinate id left running: " + h.info().commandLine().orElse("?"));
                            h.destroyForcibly();
                            h.onExit().get(10, TimeUnit.SECONDS);
                        }
                        ranges.revoke();
                    }
                }
            }
        } finally {
            FileTrees.deleteTree(base);
        }
        assertThat(result.exitCode()).as("the rootless suite's child JVM (exit 1: tests failed, 2: none ran); its output:\n%s", result.output())
                .isZero();
        assertThat(problems).as("what the rootless suite left behind").isEmpty();
        assertThat(SubordinateRanges.linesOf(userName, Path.of("/etc"))).as("the user's lines in /etc/subuid and /etc/subgid").isEmpty();
        assertThat(result.output()).as("the child really ran unprivileged").contains("PASSED RootlessChecks#", "rootless suite as uid " + userName + ":");
    }

    /**
     * The classes the child runs: {@link #CHILD_CLASSES}, or the simple names of this package's classes listed in
     * {@code -Dcontainerv.test.rootlessClasses} (comma-separated), to run part of the suite while working on it.
     */
    private static List<String> childClasses() {
        String only = System.getProperty("containerv.test.rootlessClasses", "");
        return only.isBlank() ? CHILD_CLASSES
                : java.util.Arrays.stream(only.split(",")).map(n -> RootlessSuitePrivilegedTest.class.getPackageName() + "." + n.strip()).toList();
    }

    /** A readable copy of the tree {@code from} (relative to the module) at {@code to}, whose parent is made too. */
    static void copyAs(Path from, Path to) throws IOException {
        Path staging = ReadableClasspath.copy(List.of(from.toAbsolutePath()), to.getParent()).get(0);
        Files.move(staging, to);
    }

    static void requireRootAndTools() {
        String missing = null;
        try {
            long euid = dev.containerv.linux.proc.Proc.HOST.euid();
            if (euid != 0) {
                missing = "needs root to make a throw-away user (effective uid is " + euid + "); as a normal user, run "
                        + RootlessLauncher.class.getName() + " " + String.join(" ", CHILD_CLASSES) + " directly";
            }
        } catch (IOException e) {
            missing = "cannot tell the uid: " + e;
        }
        if (missing == null && UnprivilegedJvm.setpriv() == null) {
            missing = "needs setpriv (util-linux) to start a JVM as another user";
        }
        if (missing == null && !Files.isExecutable(Path.of("/usr/sbin/useradd"))) {
            missing = "needs useradd and userdel (passwd) to make a throw-away user";
        }
        if (missing != null) {
            if (Privileges.privilegedRequired()) {
                Assertions.fail("the rootless suite cannot run although CONTAINERV_REQUIRE_PRIVILEGED is set: " + missing);
            }
            Assumptions.abort("rootless suite skipped: " + missing);
        }
    }
}
