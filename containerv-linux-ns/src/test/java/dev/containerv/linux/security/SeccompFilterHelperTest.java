package dev.containerv.linux.security;

import dev.containerv.api.PolicyProfile;
import dev.containerv.api.SecurityPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The filters Java writes, compiled by the helper's libseccomp and run on busybox
 * ({@code containerv-helper seccomp-check <rules> -- <program>}): what a build needs works, what is denied
 * fails with EPERM while the process lives on. Needs no root (no_new_privs makes loading a filter legal).
 */
class SeccompFilterHelperTest {
    private static final Path HELPER = Path.of("target/classes/dev/containerv/linux/native/linux-" + System.getProperty("os.arch")
            + "/containerv-helper").toAbsolutePath();
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path dir;

    @BeforeAll
    static void helperAndBusybox() {
        assumeTrue(Files.isExecutable(HELPER), "the helper is built on Linux only");
        assumeTrue(Files.isExecutable(BUSYBOX), "needs a static busybox at /bin/busybox (apt-get install -y busybox-static)");
    }

    private record Run(int code, String out) {
    }

    private Run run(SeccompFilter f, String script) throws Exception {
        Path rules = Files.write(dir.resolve("rules-" + System.nanoTime()), f.planLines());
        List<String> cmd = new ArrayList<>(List.of(HELPER.toString(), "seccomp-check", rules.toString()));
        if (script != null) {
            cmd.addAll(List.of("--", BUSYBOX.toString(), "sh", "-c", script));
        }
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    private static SeccompFilter policy(PolicyProfile p) {
        return SeccompFilter.forPolicy(SecurityPolicy.of(p), Arch.current());
    }

    @Test
    void everyFilterJavaWritesCompilesOnBothArchitecturesNames() throws Exception {
        for (SeccompFilter f : List.of(SeccompFilter.defaultDenyList(Arch.current()), policy(PolicyProfile.MINIMAL),
                policy(PolicyProfile.BUILD), policy(PolicyProfile.NETWORK), policy(PolicyProfile.BUILD).logOnly(true))) {
            Run r = run(f, null);
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).matches("ok \\d+ 0\\n");
        }
    }

    private static final String BUILD_LIKE = "set -e; rm -rf src out; mkdir -p src/sub out; echo 'int main(){}' > src/a.c; cp src/a.c src/sub/b.c;"
            + " tar -cf out/src.tar src; rm -rf src; tar -xf out/src.tar; cat src/a.c src/sub/b.c | sed s/main/start/ | sort | wc -l > out/n;"
            + " chmod 600 out/n; mv out/n out/count; ln -s count out/link; cat out/link";

    @Test
    void aBuildLikeWorkloadRunsUnderTheDefaultAndUnderBuild() throws Exception {
        for (SeccompFilter f : List.of(SeccompFilter.defaultDenyList(Arch.current()), policy(PolicyProfile.BUILD))) {
            Run r = run(f, BUILD_LIKE);
            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out().strip()).isEqualTo("2");
        }
    }

    @Test
    void theDefaultDeniesMountAndNewNamespacesWithEpermAndTheShellLivesOn() throws Exception {
        Files.createDirectory(dir.resolve("target"));
        Run r = run(SeccompFilter.defaultDenyList(Arch.current()),
                "mount --bind /no-such-source target; echo mount=$?; unshare -U true; echo unshare=$?; echo alive");

        assertThat(r.out()).contains("Operation not permitted").contains("mount=1", "unshare=1", "alive");
        assertThat(r.out()).doesNotContain("No such file");
    }

    @Test
    void socketFailsWithEpermUnderBuildAndWorksUnderNetwork() throws Exception {
        String script = "nc 127.0.0.1 1 </dev/null; echo nc=$?";

        Run build = run(policy(PolicyProfile.BUILD), script);
        Run network = run(policy(PolicyProfile.NETWORK), script);

        assertThat(build.out()).contains("Operation not permitted");
        assertThat(network.out()).doesNotContain("Operation not permitted").contains("Connection refused");
    }

    @Test
    void minimalReadsAndRunsProgramsButMakesNothing() throws Exception {
        Run r = run(policy(PolicyProfile.MINIMAL), "cat /proc/self/status | grep -c Seccomp; mkdir made; echo mkdir=$?");

        assertThat(r.out()).contains("mkdir=1").contains("Operation not permitted");
        assertThat(dir.resolve("made")).doesNotExist();
    }

    @Test
    void logOnlyLetsTheDeniedCallThrough() throws Exception {
        Run denied = run(policy(PolicyProfile.MINIMAL), "mkdir made; echo mkdir=$?");
        Run logged = run(policy(PolicyProfile.MINIMAL).logOnly(true), "mkdir made; echo mkdir=$?");

        assertThat(denied.out()).contains("mkdir=1");
        assertThat(logged.out()).contains("mkdir=0");
        assertThat(dir.resolve("made")).isDirectory();
    }
}
