package dev.containerv.api;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every validation rule of the specs, with bad and good values. */
class ValidationTest {
    private static final Path ROOT = Path.of("/srv/rootfs");

    static void assertInvalid(Runnable action, String field) {
        assertThatThrownBy(action::run)
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining(field)
                .hasMessageContaining("accepted");
    }

    @Nested
    class Ids {
        @ParameterizedTest
        @ValueSource(strings = {"a", "build-42", "A.b_c-d", "0", "x123456789012345678901234567890123456789012345678901234567890123"})
        void acceptsIds(String id) {
            assertThat(ContainerSpec.builder().id(id).rootfs(ROOT).build().id()).isEqualTo(id);
            assertThat(ContainerSpec.isValidId(id)).isTrue();
            assertThat(ContainerSpec.requireValidId(id)).isEqualTo(id);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "-a", ".hidden", "_x", "a/b", "..", "../etc", "a b", "é", "a\0b",
                "x1234567890123456789012345678901234567890123456789012345678901234"})
        void rejectsIdsThatCouldBecomePaths(String id) {
            assertInvalid(() -> ContainerSpec.builder().id(id), "id");
            assertThat(ContainerSpec.isValidId(id)).isFalse();
            assertInvalid(() -> ContainerSpec.requireValidId(id), "id");
        }

        @Test
        void nullIsNoValidId() {
            assertThat(ContainerSpec.isValidId(null)).isFalse();
            assertInvalid(() -> ContainerSpec.requireValidId(null), "id");
        }

        @Test
        void generatesAnIdAndHostnameWhenAbsent() {
            ContainerSpec a = ContainerSpec.builder().rootfs(ROOT).build();
            ContainerSpec b = ContainerSpec.builder().rootfs(ROOT).build();
            assertThat(a.id()).matches("cv-[0-9a-f]{12}").isNotEqualTo(b.id());
            assertThat(a.hostname()).isEqualTo(a.id());
        }

        @ParameterizedTest
        @CsvSource({"my_box.1, my-box.1", "build-.1, build.1", "a_.-b, a.b", "x-_y, x--y", "a._, a", "1..2, 1.2"})
        void hostnameDefaultsToAValidFormOfTheId(String id, String hostname) {
            assertThat(ContainerSpec.builder().id(id).rootfs(ROOT).build().hostname()).isEqualTo(hostname);
        }

        @Test
        void everyValidIdGivesAValidDefaultHostname() {
            Random random = new Random(20261129);
            String first = "abcXYZ019";
            String rest = "aZ9_.-";
            for (int n = 0; n < 20_000; n++) {
                StringBuilder id = new StringBuilder().append(first.charAt(random.nextInt(first.length())));
                for (int len = random.nextInt(64); len > 0; len--) {
                    id.append(rest.charAt(random.nextInt(rest.length())));
                }
                String hostname = ContainerSpec.builder().id(id.toString()).rootfs(ROOT).build().hostname();
                assertThat(ContainerSpec.builder().hostname(hostname).rootfs(ROOT).build().hostname())
                        .as("default hostname of id %s", id).isEqualTo(hostname);
            }
        }
    }

    @Nested
    class Hostnames {
        @ParameterizedTest
        @ValueSource(strings = {"box", "build-42", "a.b.c", "x1"})
        void accepts(String name) {
            assertThat(ContainerSpec.builder().hostname(name).rootfs(ROOT).build().hostname()).isEqualTo(name);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "-box", "box-", "a..b", "under_score", "sp ace",
                "x123456789012345678901234567890123456789012345678901234567890123456"})
        void rejects(String name) {
            assertInvalid(() -> ContainerSpec.builder().hostname(name), "hostname");
        }
    }

    @Nested
    class Sizes {
        @Test
        void acceptsSuffixesPlainBytesAndMax() {
            assertThat(ResourceLimits.builder().memoryMax("512M").build().memoryMaxBytes()).hasValue(512L << 20);
            assertThat(ResourceLimits.builder().memoryMax("1G").build().memoryMaxBytes()).hasValue(1L << 30);
            assertThat(ResourceLimits.builder().memoryMax("1gib").build().memoryMaxBytes()).hasValue(1L << 30);
            assertThat(ResourceLimits.builder().memoryMax("64k").build().memoryMaxBytes()).hasValue(64L << 10);
            assertThat(ResourceLimits.builder().memoryMax("2T").build().memoryMaxBytes()).hasValue(2L << 40);
            assertThat(ResourceLimits.builder().memoryMax("4096").build().memoryMaxBytes()).hasValue(4096);
            assertThat(ResourceLimits.builder().memoryMax("max").build().memoryMaxBytes()).isEmpty();
            assertThat(ResourceLimits.builder().memoryMax("1G").memoryMax("MAX").build().isEmpty()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "0", "-1", "1.5G", "1X", "G", "lots", "1 G B", "99999999999999999999", "9000000000000000000K", "8388608T"})
        void rejectsBadSyntaxZeroAndOverflow(String size) {
            assertInvalid(() -> ResourceLimits.builder().memoryMax(size), "limits.memoryMax");
        }

        @Test
        void acceptsTheLargestSizeThatFits() {
            assertThat(ResourceLimits.builder().memoryMax("8388607T").build().memoryMaxBytes()).hasValue(8388607L << 40);
        }

        @Test
        void tmpfsSizesUseTheSameRules() {
            assertThat(Layer.tmpfs("/tmp", "64M").sizeBytes()).hasValue(64L << 20);
            assertThat(Layer.tmpfs("/tmp", "max").sizeBytes()).isEmpty();
            assertInvalid(() -> Layer.tmpfs("/tmp", "lots"), "layer.size");
        }
    }

    @Nested
    class Cpu {
        @Test
        void weightFrom1To10000() {
            assertThat(ResourceLimits.builder().cpuWeight(1).build().cpuWeight()).hasValue(1);
            assertThat(ResourceLimits.builder().cpuWeight(10000).build().cpuWeight()).hasValue(10000);
            assertInvalid(() -> ResourceLimits.builder().cpuWeight(0), "limits.cpuWeight");
            assertInvalid(() -> ResourceLimits.builder().cpuWeight(10001), "limits.cpuWeight");
        }

        @Test
        void percentFrom1To100() {
            assertThat(ResourceLimits.builder().cpuPercent(1).build().cpuPercent()).hasValue(1);
            assertThat(ResourceLimits.builder().cpuPercent(100).build().cpuPercent()).hasValue(100);
            assertInvalid(() -> ResourceLimits.builder().cpuPercent(0), "limits.cpuPercent");
            assertInvalid(() -> ResourceLimits.builder().cpuPercent(101), "limits.cpuPercent");
        }

        @Test
        void countAtLeastOne() {
            assertThat(ResourceLimits.builder().cpuCount(2).build().cpuCount()).hasValue(2);
            assertInvalid(() -> ResourceLimits.builder().cpuCount(0), "limits.cpuCount");
        }
    }

    @Nested
    class Pids {
        @Test
        void atLeastOneOrMax() {
            assertThat(ResourceLimits.builder().pidsMax(1).build().pidsMax()).hasValue(1);
            assertThat(ResourceLimits.builder().pidsMax("256").build().pidsMax()).hasValue(256);
            assertThat(ResourceLimits.builder().pidsMax(5).pidsMax("max").build().pidsMax()).isEmpty();
            assertInvalid(() -> ResourceLimits.builder().pidsMax(0), "limits.pidsMax");
            assertInvalid(() -> ResourceLimits.builder().pidsMax(-3), "limits.pidsMax");
            assertInvalid(() -> ResourceLimits.builder().pidsMax("many"), "limits.pidsMax");
        }
    }

    @Nested
    class Network {
        @Test
        void prefixOrDottedNetmask() {
            NetworkSpec a = NetworkSpec.builder().containerAddress("10.0.0.2/24").build();
            assertThat(a.containerAddress()).isEqualTo("10.0.0.2");
            assertThat(a.prefixLength()).isEqualTo(24);
            assertThat(a.netmask()).isEqualTo("255.255.255.0");
            NetworkSpec b = NetworkSpec.builder().containerAddress("10.0.0.2/255.255.240.0").build();
            assertThat(b.prefixLength()).isEqualTo(20);
            assertThat(NetworkSpec.builder().containerAddress("10.0.0.2/0").build().netmask()).isEqualTo("0.0.0.0");
            assertThat(NetworkSpec.builder().containerAddress("10.0.0.2/32").build().netmask()).isEqualTo("255.255.255.255");
            assertThat(NetworkSpec.builder().containerAddress("10.0.0.2").build().prefixLength()).isEqualTo(24);
        }

        @ParameterizedTest
        @ValueSource(strings = {"10.0.0.256/24", "10.0.0.300/24", "10.0.0/24", "10.0.0.2/33", "10.0.0.2/255.0.255.0", "10.0.0.2/", "host/24",
                "010.0.0.2/24", "10.0.0.2/-1", "1.2.3.4.5/8", " 10.0.0.2/24"})
        void rejectsBadAddresses(String cidr) {
            assertInvalid(() -> NetworkSpec.builder().containerAddress(cidr), "network.containerAddress");
        }

        @Test
        void hostGatewayAndDnsAreIpv4() {
            assertInvalid(() -> NetworkSpec.builder().hostAddress("example.org"), "network.hostAddress");
            assertInvalid(() -> NetworkSpec.builder().gateway("10.0.0.300"), "network.gateway");
            assertInvalid(() -> NetworkSpec.builder().dns("10.0.0.1 nameserver"), "network.dns");
            assertInvalid(() -> NetworkSpec.builder().dns("10.0.0.1;not-an-address"), "network.dns");
        }

        @Test
        void dnsListsSplitOnSpacesCommasAndSemicolons() {
            NetworkSpec n = NetworkSpec.builder().containerAddress("10.0.0.2/24").dns("10.0.0.1, 1.1.1.1;8.8.8.8  9.9.9.9").build();
            assertThat(n.dns()).containsExactly("10.0.0.1", "1.1.1.1", "8.8.8.8", "9.9.9.9");
        }

        @Test
        void containerAddressIsRequired() {
            assertInvalid(() -> NetworkSpec.builder().gateway("10.0.0.1").build(), "network.containerAddress");
        }

        @Test
        void addressesMustFitTogether() {
            assertInvalid(() -> NetworkSpec.builder().containerAddress("10.0.0.0/24").build(), "network.containerAddress");
            assertInvalid(() -> NetworkSpec.builder().containerAddress("10.0.0.255/24").build(), "network.containerAddress");
            assertInvalid(() -> NetworkSpec.builder().containerAddress("10.0.0.2/24").hostAddress("10.0.0.2").build(), "network.hostAddress");
            assertInvalid(() -> NetworkSpec.builder().containerAddress("10.0.0.2/24").gateway("10.0.0.2").build(), "network.gateway");
            assertInvalid(() -> NetworkSpec.builder().containerAddress("10.0.0.2/24").gateway("10.0.1.1").build(), "network.gateway");
            assertThat(NetworkSpec.builder().containerAddress("10.0.1.2/23").gateway("10.0.0.1").build().gateway()).contains("10.0.0.1");
            assertThat(NetworkSpec.builder().containerAddress("10.0.0.0/31").build().containerAddress()).isEqualTo("10.0.0.0");
        }

        @Test
        void needsTheNetworkCapability() {
            NetworkSpec net = NetworkSpec.builder().containerAddress("10.0.0.2/24").build();
            assertInvalid(() -> ContainerSpec.builder().rootfs(ROOT).network(net).build(), "network");
            assertThat(ContainerSpec.builder().rootfs(ROOT).capabilities(Capability.NETWORK).network(net).build().network()).contains(net);
        }
    }

    @Nested
    class ContainerPathRules {
        @Test
        void posixAndWindowsFormsAreAcceptedAndNormalised() {
            assertThat(ContainerPaths.check("f", "/src//app/")).isEqualTo("/src/app");
            assertThat(ContainerPaths.check("f", "/")).isEqualTo("/");
            assertThat(ContainerPaths.check("f", "c:\\src\\\\app\\")).isEqualTo("C:\\src\\app");
            assertThat(ContainerPaths.formOf("/x")).isEqualTo(GuestOs.LINUX);
            assertThat(ContainerPaths.formOf("D:\\x")).isEqualTo(GuestOs.WINDOWS);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "src", "./src", "/src/../etc", "/a/./b", "C:", "C:src", "C:\\a\\..\\b", "\\\\server\\share", "/a\0b", "C:\\a/b"})
        void rejectsRelativeClimbingAndMalformedPaths(String path) {
            assertInvalid(() -> ContainerPaths.check("layer.containerPath", path), "layer.containerPath");
        }

        @Test
        void theGuestDecidesTheForm() {
            assertThat(ContainerPaths.check("f", "/src", GuestOs.LINUX)).isEqualTo("/src");
            assertThat(ContainerPaths.check("f", "C:\\src", GuestOs.WINDOWS)).isEqualTo("C:\\src");
            assertThatThrownBy(() -> ContainerPaths.check("process.workingDirectory", "C:\\src", GuestOs.LINUX))
                    .hasMessageContaining("process.workingDirectory").hasMessageContaining("POSIX");
            assertThatThrownBy(() -> ContainerPaths.check("process.workingDirectory", "/src", GuestOs.WINDOWS))
                    .hasMessageContaining("process.workingDirectory").hasMessageContaining("drive-absolute");
        }

        @Test
        void layersValidateTheirContainerPath() {
            assertInvalid(() -> Layer.hostDirectory(Path.of("/home/me"), "../x", Access.READ_ONLY), "layer.containerPath");
            assertInvalid(() -> Layer.tmpfs("tmp"), "layer.containerPath");
        }

        @Test
        void twoLayersAtOnePathOrALayerAtTheRootAreRefused() {
            assertInvalid(() -> ContainerSpec.builder().rootfs(ROOT)
                    .layer(Layer.tmpfs("/tmp")).layer(Layer.hostDirectory(Path.of("/x"), "/tmp/", Access.READ_WRITE)).build(), "layers");
            assertInvalid(() -> ContainerSpec.builder().rootfs(ROOT).layer(Layer.tmpfs("/")).build(), "layers");
        }
    }

    @Nested
    class Mappings {
        @Test
        void countMustBePositiveAndRangesInBounds() {
            assertInvalid(() -> new IdMapping(0, 100000, 0), "idMapping.count");
            assertInvalid(() -> new IdMapping(-1, 100000, 10), "idMapping.containerStart");
            assertInvalid(() -> new IdMapping(0, -5, 10), "idMapping.hostStart");
            assertInvalid(() -> new IdMapping(0, 0xFFFF_FFF0L, 100), "idMapping.count");
            assertInvalid(() -> new IdMapping(10, 10, Long.MAX_VALUE), "idMapping.count"); // both sums would overflow
            assertThat(new IdMapping(0, 100000, 65536).count()).isEqualTo(65536);
        }

        @Test
        void mappingsMustNotOverlapOnEitherSide() {
            ContainerSpec.Builder b = ContainerSpec.builder().rootfs(ROOT).capabilities(Capability.USERS);
            assertInvalid(() -> b.uidMappings(new IdMapping(0, 100000, 1000), new IdMapping(500, 300000, 10)).build(), "uidMappings");
            assertInvalid(() -> b.uidMappings().gidMappings(new IdMapping(0, 100000, 1000), new IdMapping(2000, 100500, 10)).build(), "gidMappings");
            ContainerSpec ok = b.uidMappings(new IdMapping(0, 100000, 1000), new IdMapping(1000, 200000, 10)).gidMappings().build();
            assertThat(ok.uidMappings()).hasSize(2);
        }

        @Test
        void mappingsNeedTheUsersCapability() {
            assertInvalid(() -> ContainerSpec.builder().rootfs(ROOT).uidMappings(new IdMapping(0, 100000, 10)).build(), "uidMappings");
        }
    }

    @Nested
    class Processes {
        @Test
        void commandMustNotBeEmpty() {
            assertInvalid(() -> ProcessSpec.of(), "process.command");
            assertInvalid(() -> ProcessSpec.of(""), "process.command[0]");
        }

        @Test
        void noNulAnywhere() {
            assertInvalid(() -> ProcessSpec.of("/bin/echo", "a\0b"), "process.command[1]");
            assertInvalid(() -> ProcessSpec.of("/bin/echo", null), "process.command[1]");
            assertInvalid(() -> ProcessSpec.builder(Arrays.asList((String) null)).build(), "process.command[0]");
            assertInvalid(() -> ProcessSpec.builder("/bin/true").environment("A", "x\0y"), "process.environment[A]");
            assertInvalid(() -> ProcessSpec.builder("/bin/true").user("ro\0ot"), "process.user");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "A=B", "a\0b"})
        void environmentNamesWithoutEqualsOrNul(String name) {
            assertInvalid(() -> ProcessSpec.builder("/bin/true").environment(name, "v"), "process.environment");
        }

        @Test
        void environmentKeepsOrderAndLaterValuesWin() {
            ProcessSpec p = ProcessSpec.builder("/bin/env").environment(Map.of("A", "1")).environment("B", "2").environment("A", "3").build();
            assertThat(p.environment()).containsExactly(Map.entry("A", "3"), Map.entry("B", "2"));
            assertThat(p.defaultEnvironment()).isTrue();
            assertThat(p.toBuilder().defaultEnvironment(false).build().defaultEnvironment()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "1000", "1000:1000", "nobody", "tester:staff", "builder$", "ContainerUser", "NT AUTHORITY\\SYSTEM"})
        void acceptsUsers(String user) {
            assertThat(ProcessSpec.builder("/bin/id").user(user).build().user()).contains(user);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "1000:", ":1000", "-1", "bad name", "a:b:c", "12345678901"})
        void rejectsUsers(String user) {
            assertInvalid(() -> ProcessSpec.builder("/bin/id").user(user), "process.user");
        }

        @Test
        void workingDirectoryIsAnAbsoluteContainerPath() {
            assertInvalid(() -> ProcessSpec.builder("/bin/pwd").workingDirectory("src"), "process.workingDirectory");
            assertInvalid(() -> ProcessSpec.builder("/bin/pwd").workingDirectory("/a/../b"), "process.workingDirectory");
            assertThat(ProcessSpec.builder("/bin/pwd").workingDirectory("/src/").build().workingDirectory()).contains("/src");
        }

        @Test
        void redirectsMustFitTheirDirection() {
            File f = new File("/tmp/x");
            assertInvalid(() -> ProcessSpec.builder("/bin/cat").redirectInput(Redirect.to(f)), "process.stdin");
            assertInvalid(() -> ProcessSpec.builder("/bin/cat").redirectOutput(Redirect.from(f)), "process.stdout");
            ProcessSpec p = ProcessSpec.builder("/bin/cat").redirectInput(Redirect.from(f)).redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.appendTo(f)).build();
            assertThat(p.stdout()).isEqualTo(Redirect.DISCARD);
            assertThat(p.stdin().file()).isEqualTo(f);
        }
    }

    @Nested
    class Specs {
        @Test
        void rootfsIsRequired() {
            assertInvalid(() -> ContainerSpec.builder().id("x").build(), "rootfs");
        }

        @Test
        void defaultsAndToBuilderRoundTrip() {
            ContainerSpec s = ContainerSpec.builder().id("b1").rootfs(ROOT).layer(Layer.tmpfs("/tmp", "16M"))
                    .layer(Layer.writableOverlay()).persistent(true).extension(new StringBuilder("opt")).build();
            assertThat(s.capabilities()).isEqualTo(ContainerSpec.DEFAULT_CAPABILITIES);
            assertThat(s.limits().isEmpty()).isTrue();
            assertThat(s.layers()).containsExactly(Layer.tmpfs("/tmp", "16M"));
            assertThat(s.extension(StringBuilder.class)).isPresent();
            assertThat(s.extension(String.class)).isEmpty();
            ContainerSpec copy = s.toBuilder().build();
            assertThat(copy.id()).isEqualTo("b1");
            assertThat(copy.layers()).isEqualTo(s.layers());
            assertThat(copy.persistent()).isTrue();
            assertThat(copy.capabilities()).isEqualTo(s.capabilities());
        }

        @Test
        void onlyOneBaseRootfs() {
            assertInvalid(() -> ContainerSpec.builder().rootfs(ROOT).layer(Layer.baseRootfs(Path.of("/other"))), "layers");
            assertThat(ContainerSpec.builder().layer(Layer.baseRootfs(ROOT)).build().rootfs()).isEqualTo(ROOT);
        }

        @Test
        void capabilitiesAreCopiedNotShared() {
            ContainerSpec s = ContainerSpec.builder().rootfs(ROOT).capabilities(Capability.NETWORK).build();
            assertThat(s.capabilities()).containsExactly(Capability.NETWORK);
            assertThatThrownBy(() -> s.capabilities().add(Capability.IPC)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class Policies {
        @Test
        void syscallNamesAndPathsAreChecked() {
            assertInvalid(() -> SecurityPolicy.builder(PolicyProfile.BUILD).allowSyscalls("Ptrace"), "policy.syscall");
            assertInvalid(() -> SecurityPolicy.builder(PolicyProfile.BUILD).allowPaths(Access.READ_ONLY, "src"), "policy.path");
            SecurityPolicy p = SecurityPolicy.builder(PolicyProfile.NETWORK).allowSyscalls("ptrace").allowPaths(Access.READ_WRITE, "/src", "/tmp").build();
            assertThat(p.allowedSyscalls()).containsExactly("ptrace");
            assertThat(p.pathRules()).extracting(SecurityPolicy.PathRule::path).containsExactly("/src", "/tmp");
            assertThat(SecurityPolicy.of(PolicyProfile.MINIMAL).profile()).isEqualTo(PolicyProfile.MINIMAL);
        }
    }

    @Test
    void exceptionsCarryContextAndPredicates() {
        ContainerException e = ContainerException.builder(ErrorKind.NOT_FOUND, "program /bin/nope not found")
                .operation("linux::Container::spawn").containerId("b1").platformCode("errno ENOENT").build();
        assertThat(e).hasMessage("linux::Container::spawn: container 'b1': program /bin/nope not found (errno ENOENT)");
        assertThat(e.isNotFound()).isTrue();
        assertThat(e.isAlreadyExists()).isFalse();
        assertThat(e.operation()).contains("linux::Container::spawn");
        assertThat(e.containerId()).contains("b1");
        assertThat(e.platformCode()).contains("errno ENOENT");
        assertThat(new ContainerException(ErrorKind.TIMEOUT, "slow").isTimeout()).isTrue();
    }
}
