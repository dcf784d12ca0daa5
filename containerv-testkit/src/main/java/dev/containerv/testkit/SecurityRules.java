package dev.containerv.testkit;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.Container;
import dev.containerv.api.ExecResult;
import dev.containerv.api.GuestOs;
import dev.containerv.api.Layer;
import dev.containerv.api.PolicyProfile;
import dev.containerv.api.RuntimeFeature;
import dev.containerv.api.SecurityPolicy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code security} area of the conformance suite: what any provider must block, tried from inside the
 * container as an attacker would. The container must not write its base root file system, write through a
 * read-only layer, reach a host path that is not a layer, see or signal host processes, make a system call its
 * policy does not allow (and must survive trying), or become root through a setuid program. Escapes that only one
 * platform has (kernel knobs, file handles, mounts) are tested by that provider's own tests. Implemented by
 * {@link ContainerConformanceSuite}; see {@link ConformanceRules} for the names.
 */
public interface SecurityRules extends ConformanceRules {
    @Test
    default void required_security_writesNeverReachTheBaseRootfs() {
        tck().requiresGuest(GuestOs.LINUX); // the base is checked as a Linux tree (/etc)
        String name = "written-" + tck().newId();
        assertThat(tck().exec(tck().shared(), tck().fixture().writeFile("/etc/" + name, "inside")).exitCode()).isZero();
        assertThat(tck().exec(tck().shared(), tck().fixture().readFile("/etc/" + name)).stdout()).isEqualTo("inside");
        assertThat(tck().rootfs().resolve("etc").resolve(name)).as("a file written in the container, in the base rootfs").doesNotExist();
    }

    @Test
    default void required_security_aHostPathThatIsNotALayerIsUnreachable() throws IOException {
        tck().requiresGuest(GuestOs.LINUX); // host paths of this (Linux) test JVM mean nothing to another guest
        Path hostOnly = Files.writeString(tck().hostTempDir().resolve("host-only-marker"), "host");
        // Through /proc: PID 1 and the process itself must have the container's root as theirs.
        List<String> ways = List.of(hostOnly.toString(), hostOnly.getParent().toString(), "/proc/1/root" + hostOnly,
                "/proc/self/root" + hostOnly);
        for (String way : ways) {
            assertThat(tck().exec(tck().shared(), tck().fixture().pathExists(way)).exitCode()).as("the host path %s seen from inside", way).isNotZero();
        }
        assertThat(tck().exec(tck().shared(), tck().fixture().readFile(hostOnly.toString())).stdout()).doesNotContain("host");
    }

    @Test
    default void required_security_hostProcessesAreInvisibleAndCannotBeSignalled() throws Exception {
        tck().requiresGuest(GuestOs.LINUX); // the host process is started the Linux way
        tck().requiresIsolation();
        Process host = new ProcessBuilder("sleep", "120").redirectErrorStream(true).start();
        try {
            String pid = Long.toString(host.pid());
            assertThat(tck().exec(tck().shared(), tck().fixture().listProcessIds()).stdout().lines().toList())
                    .as("process ids seen in the container").doesNotContain(pid);
            ExecResult kill = tck().exec(tck().shared(), tck().fixture().signalProcess(host.pid()));
            assertThat(host.waitFor(300, TimeUnit.MILLISECONDS)).as("the host process %s after a kill from inside (%s)", pid, kill).isFalse();
            assertThat(host.isAlive()).isTrue();
        } finally {
            host.destroyForcibly();
            host.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    default void optional_security_aReadOnlyLayerCannotBeWrittenThrough() throws IOException {
        tck().requires(Capability.FILESYSTEM);
        tck().requiresFeatures(RuntimeFeature.HOST_DIRECTORY_LAYERS);
        tck().requiresIsolation();
        Path dir = tck().hostTempDir();
        Path given = Files.writeString(dir.resolve("given.txt"), "from the host");
        String at = tck().fixture().guestOs() == GuestOs.WINDOWS ? "C:\\src" : "/src";
        Container c = tck().create(tck().specBuilder(tck().newId()).layer(Layer.hostDirectory(dir, at, Access.READ_ONLY)).build());
        assertThat(tck().exec(c, tck().fixture().readFile(tck().fixture().path(at, "given.txt"))).stdout()).isEqualTo("from the host");
        assertThat(tck().exec(c, tck().fixture().writeFile(tck().fixture().path(at, "given.txt"), "changed")).exitCode())
                .as("overwriting a file of a read-only layer").isNotZero();
        assertThat(tck().exec(c, tck().fixture().writeFile(tck().fixture().path(at, "new.txt"), "x")).exitCode())
                .as("creating a file in a read-only layer").isNotZero();
        assertThat(given).hasContent("from the host");
        assertThat(dir.resolve("new.txt")).doesNotExist();
    }

    @Test
    default void optional_security_aSystemCallOutsideThePolicyFailsWithEpermAndTheProcessLives() {
        tck().requiresFeatures(RuntimeFeature.SECURITY_POLICY);
        tck().requiresIsolation();
        Container build = tck().create(tck().specBuilder(tck().newId()).policy(SecurityPolicy.of(PolicyProfile.BUILD)).build());
        ExecResult denied = tck().exec(build, tck().fixture().tryToCreateSocket());
        assertThat(denied.exitCode()).as("the process after a denied socket(): %s", denied).isZero();
        assertThat(denied.stdout()).as("socket() under BUILD").contains("EPERM").endsWith("alive\n");
        Container network = tck().create(tck().specBuilder(tck().newId()).policy(SecurityPolicy.of(PolicyProfile.NETWORK)).build());
        ExecResult allowed = tck().exec(network, tck().fixture().tryToCreateSocket());
        assertThat(allowed.stdout()).as("socket() under NETWORK").doesNotContain("EPERM").endsWith("alive\n");
    }

    @Test
    default void optional_security_setuidDoesNotRaiseANonRootUser() {
        tck().requiresFeatures(RuntimeFeature.RUN_AS_USER);
        tck().requiresGuest(GuestOs.LINUX); // setuid is a POSIX notion
        tck().requiresIsolation();
        Container c = tck().createDefault();
        String dir = tck().scratchPath("setuid");
        ExecResult installed = tck().exec(c, tck().fixture().installSetuidRootProgram(dir).user("0"));
        assertThat(installed.exitCode()).as("installing the setuid-root program: %s", installed).isZero();
        assertThat(tck().exec(c, tck().fixture().runSetuidRootProgram(dir).user("0")).stdout().strip())
                .as("the program prints its effective user id (control, as root)").isEqualTo("0");
        GuestFixture.KnownUser user = tck().fixture().knownUser();
        ExecResult asUser = tck().exec(c, tck().fixture().runSetuidRootProgram(dir).user(Long.toString(user.id())));
        assertThat(asUser.stdout().lines().map(String::strip).toList()).as("the effective user id of user %s through a setuid-root program: %s",
                user.id(), asUser).doesNotContain("0");
    }
}
