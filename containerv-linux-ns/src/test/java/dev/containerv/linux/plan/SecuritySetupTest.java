package dev.containerv.linux.plan;

import dev.containerv.api.Access;
import dev.containerv.api.Capability;
import dev.containerv.api.ContainerException;
import dev.containerv.api.ContainerSpec;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.PolicyProfile;
import dev.containerv.api.SecurityPolicy;
import dev.containerv.linux.LinuxOptions;
import dev.containerv.linux.security.CapabilitySet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecuritySetupTest {
    @TempDir
    Path tmp;

    private LaunchPlan plan() {
        return new LaunchPlan("c1", "c1").stateDir(Path.of("/run/containerv/c1"), Path.of("/run/containerv/c1/control"))
                .overlay(tmp, Path.of("/u"), Path.of("/w"), Path.of("/m"));
    }

    private static List<String> lines(LaunchPlan p) {
        return p.render().lines().toList();
    }

    @Test
    void everyContainerGetsTheDefaultCapsNoNewPrivsTheDenyListAndRuncsPaths() {
        ContainerSpec spec = ContainerSpec.builder().id("c1").rootfs(tmp).build();
        List<String> l = lines(SecuritySetup.apply(plan(), spec, tmp, LinuxOptions.defaults(), List.of(), Map.of()));
        String d = CapabilitySet.planText(CapabilitySet.DEFAULT);
        assertThat(l).contains("caps " + d + " " + d + " " + d + " " + d + " -", "no-new-privs", "seccomp-default allow",
                "seccomp open_by_handle_at errno:EPERM", "mask /proc/keys", "readonly /proc/sys");
        assertThat(l).noneMatch(s -> s.startsWith("landlock ") || s.equals("seccomp-log"));
        assertThat(d).doesNotContain("SYS_ADMIN", "DAC_READ_SEARCH", "MKNOD", "NET_RAW");
    }

    @Test
    void containervsOwnDirectoriesAreMaskedOnlyWhereTheRootContainsThem() {
        ContainerSpec spec = ContainerSpec.builder().id("c1").rootfs(tmp).build();
        Path inside = tmp.resolve("run/containerv");
        List<String> l = lines(SecuritySetup.apply(plan(), spec, tmp, LinuxOptions.defaults(),
                List.of(inside, Path.of("/elsewhere/layers")), Map.of()));
        assertThat(l).contains("mask /run/containerv").noneMatch(s -> s.contains("elsewhere"));
    }

    @Test
    void addedCapabilitiesNoNewPrivsOffAndLogOnlyAreHonoured() {
        ContainerSpec spec = ContainerSpec.builder().id("c1").rootfs(tmp).build();
        LinuxOptions o = LinuxOptions.builder().addCapabilities("cap_net_admin").noNewPrivileges(false).build();
        List<String> l = lines(SecuritySetup.apply(plan(), spec, tmp, o, List.of(), Map.of("CONTAINERV_SECCOMP_LOG", "1")));
        assertThat(l.stream().filter(s -> s.startsWith("caps ")).findFirst().orElseThrow()).contains("NET_ADMIN");
        assertThat(l).doesNotContain("no-new-privs").contains("seccomp-log");
        assertThatThrownBy(() -> LinuxOptions.builder().addCapabilities("TELEPORT"))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("TELEPORT");
    }

    @Test
    void aPolicyBecomesAnAllowListAndLandlockRules() {
        ContainerSpec spec = ContainerSpec.builder().id("c1").rootfs(tmp).policy(SecurityPolicy.builder(PolicyProfile.BUILD)
                .allowPaths(Access.READ_ONLY, "/usr").allowPaths(Access.READ_WRITE, "/work dir").build()).build();
        List<String> l = lines(SecuritySetup.apply(plan(), spec, tmp, LinuxOptions.defaults(), List.of(), Map.of()));
        assertThat(l).contains("seccomp-default errno:EPERM", "seccomp execve allow", "landlock ro /usr", "landlock rw /work%20dir");
    }

    /**
     * The default caps and deny-list lines are made once per runtime, not per create: a create with a policy, log-only
     * denials or added capabilities between two default ones still gets its own lines, and the default ones after it
     * are the default's again (each compared with what {@link SecuritySetup#filter} and {@link CapabilitySet} give).
     */
    @Test
    void theLinesMadeOnceForTheDefaultNeverServeASpecOrOptionsThatDiffer() {
        ContainerSpec plain = ContainerSpec.builder().id("c1").rootfs(tmp).build();
        ContainerSpec withPolicy = ContainerSpec.builder().id("c1").rootfs(tmp).policy(SecurityPolicy.builder(PolicyProfile.BUILD).build()).build();
        LinuxOptions netAdmin = LinuxOptions.builder().addCapabilities("cap_net_admin").build();
        Map<String, String> logOnly = Map.of("CONTAINERV_SECCOMP_LOG", "1");
        for (int round = 0; round < 2; round++) {
            assertSeccompAndCaps(plain, LinuxOptions.defaults(), Map.of(), false);
            assertSeccompAndCaps(withPolicy, LinuxOptions.defaults(), Map.of(), false);
            assertSeccompAndCaps(plain, LinuxOptions.defaults(), logOnly, false);
            assertSeccompAndCaps(withPolicy, LinuxOptions.defaults(), logOnly, false);
            assertSeccompAndCaps(plain, netAdmin, Map.of(), true);
        }
    }

    private void assertSeccompAndCaps(ContainerSpec spec, LinuxOptions options, Map<String, String> env, boolean netAdmin) {
        List<String> l = lines(SecuritySetup.apply(plan(), spec, tmp, options, List.of(), env));
        assertThat(l.stream().filter(s -> s.startsWith("seccomp")).toList()).isEqualTo(SecuritySetup.filter(spec, env).planLines());
        String caps = l.stream().filter(s -> s.startsWith("caps ")).findFirst().orElseThrow();
        assertThat(caps.contains("NET_ADMIN")).as(caps).isEqualTo(netAdmin);
        if (!netAdmin) {
            String d = CapabilitySet.planText(CapabilitySet.DEFAULT);
            assertThat(caps).isEqualTo("caps " + d + " " + d + " " + d + " " + d + " -");
        }
    }

    /** Sharing the host's network namespace (no NETWORK), a container is kept from the host's abstract Unix sockets. */
    @Test
    void withoutItsOwnNetworkNamespaceAContainerIsScopedFromAbstractSockets() {
        ContainerSpec shared = ContainerSpec.builder().id("c1").rootfs(tmp).build();
        assertThat(lines(SecuritySetup.apply(plan(), shared, tmp, LinuxOptions.defaults(), List.of(), Map.of())))
                .contains("landlock-scope abstract-unix");
        ContainerSpec own = ContainerSpec.builder().id("c1").rootfs(tmp)
                .capabilities(Capability.FILESYSTEM, Capability.PROCESS_CONTROL, Capability.NETWORK).build();
        assertThat(lines(SecuritySetup.apply(plan(), own, tmp, LinuxOptions.defaults(), List.of(), Map.of())))
                .doesNotContain("landlock-scope abstract-unix");
    }
}
