package dev.containerv.linux.security;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.api.PolicyProfile;
import dev.containerv.api.SecurityPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeccompFilterTest {
    @Test
    void everyNameOfTheListsIsASystemCallOfSomeArchitecture() {
        List<String> all = Stream.of(DefaultDenyList.DENIED, ProfileSyscalls.MINIMAL, ProfileSyscalls.BUILD_ADDS,
                ProfileSyscalls.NETWORK_ADDS).flatMap(List::stream).toList();
        assertThat(all).allSatisfy(n -> assertThat(SyscallNames.knownOnAny(n)).as(n).isTrue());
        assertThat(all).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void theDefaultDenyListDeniesTheEscapesWithEpermAndAllowsTheRest(Arch arch) {
        SeccompFilter f = SeccompFilter.defaultDenyList(arch);

        assertThat(f.defaultAction()).isEqualTo(SeccompAction.ALLOW);
        for (String escape : List.of("open_by_handle_at", "name_to_handle_at", "kexec_load", "init_module", "finit_module",
                "delete_module", "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "mount", "umount2",
                "pivot_root", "move_mount", "open_tree", "fsopen", "fsmount", "swapon", "swapoff", "acct", "settimeofday",
                "clock_settime", "adjtimex", "syslog", "quotactl", "lookup_dcookie", "setns", "io_uring_setup")) {
            assertThat(f.rules()).as(escape).contains(SeccompRule.of(escape, SeccompAction.EPERM));
            assertThat(f.allowsUnconditionally(escape)).as(escape).isFalse();
        }
        for (String ordinary : List.of("read", "openat", "execve", "socket", "mkdirat", "ptrace")) {
            assertThat(f.allowsUnconditionally(ordinary)).as(ordinary).isTrue();
        }
        assertThat(f.rules()).allSatisfy(r -> assertThat(SyscallNames.known(arch, r.syscall())).as(r.syscall()).isTrue());
        assertThat(f.rules().stream().anyMatch(r -> r.syscall().equals("iopl"))).isEqualTo(arch == Arch.X86_64);
    }

    @Test
    void namespaceFlagsOfCloneAndUnshareAreDeniedOneRulePerFlag() {
        SeccompFilter f = SeccompFilter.defaultDenyList(Arch.X86_64);

        assertThat(f.rules()).contains(SeccompRule.of("clone", SeccompAction.EPERM, ArgCondition.maskedEq(0, 0x10000000L, 0x10000000L)))
                .contains(SeccompRule.of("unshare", SeccompAction.EPERM, ArgCondition.maskedEq(0, 0x80L, 0x80L)))
                .doesNotContain(SeccompRule.of("clone", SeccompAction.EPERM, ArgCondition.maskedEq(0, 0x80L, 0x80L)))
                .contains(SeccompRule.of("clone3", SeccompAction.ENOSYS));
        assertThat(f.rules().stream().filter(r -> r.syscall().equals("unshare")).count()).isEqualTo(8);
        assertThat(f.rules().stream().filter(r -> r.syscall().equals("clone")).count()).isEqualTo(7);
        // personality: every bit but PER_LINUX32 and UNAME26.
        List<SeccompRule> personality = f.rules().stream().filter(r -> r.syscall().equals("personality")).toList();
        assertThat(personality).hasSize(30).contains(SeccompRule.of("personality", SeccompAction.EPERM,
                ArgCondition.maskedEq(0, 0x40000L, 0x40000L)));
        assertThat(personality).noneMatch(r -> r.conditions().get(0).mask() == 0x8L || r.conditions().get(0).mask() == 0x20000L);
    }

    @Test
    void profilesAreAllowListsThatContainEachOther() {
        SeccompFilter minimal = SeccompFilter.forPolicy(SecurityPolicy.of(PolicyProfile.MINIMAL), Arch.X86_64);
        SeccompFilter build = SeccompFilter.forPolicy(SecurityPolicy.of(PolicyProfile.BUILD), Arch.X86_64);
        SeccompFilter network = SeccompFilter.forPolicy(SecurityPolicy.of(PolicyProfile.NETWORK), Arch.X86_64);

        for (SeccompFilter f : List.of(minimal, build, network)) {
            assertThat(f.defaultAction()).isEqualTo(SeccompAction.EPERM);
            assertThat(f.allowsUnconditionally("execve")).isTrue();
            assertThat(f.allowsUnconditionally("read")).isTrue();
            assertThat(f.allowsUnconditionally("mount")).isFalse();
            assertThat(f.allowsUnconditionally("open_by_handle_at")).isFalse();
            assertThat(f.allowsUnconditionally("ptrace")).isFalse();
            assertThat(f.rules()).contains(SeccompRule.of("clone", SeccompAction.ALLOW, ArgCondition.maskedEq(0, Namespaces.CLONE_FLAGS, 0)))
                    .contains(SeccompRule.of("clone3", SeccompAction.ENOSYS))
                    .contains(SeccompRule.of("personality", SeccompAction.ALLOW, ArgCondition.eq(0, 0xffffffffL)));
        }
        assertThat(minimal.allowsUnconditionally("mkdir")).isFalse();
        assertThat(build.allowsUnconditionally("mkdir")).isTrue();
        assertThat(build.allowsUnconditionally("renameat2")).isTrue();
        assertThat(build.allowsUnconditionally("socket")).isFalse();
        assertThat(network.allowsUnconditionally("socket")).isTrue();
        assertThat(network.allowsUnconditionally("accept4")).isTrue();
        assertThat(build.rules()).contains(SeccompRule.of("unshare", SeccompAction.ALLOW, ArgCondition.maskedEq(0, Namespaces.UNSHARE_FLAGS, 0)));
    }

    @Test
    void eachArchitectureGetsOnlyItsOwnNames() {
        SeccompFilter arm = SeccompFilter.forPolicy(SecurityPolicy.of(PolicyProfile.BUILD), Arch.AARCH64);
        SeccompFilter x86 = SeccompFilter.forPolicy(SecurityPolicy.of(PolicyProfile.BUILD), Arch.X86_64);

        assertThat(arm.allowsUnconditionally("openat")).isTrue();
        assertThat(arm.rules()).noneMatch(r -> r.syscall().equals("open") || r.syscall().equals("fork") || r.syscall().equals("arch_prctl"));
        assertThat(x86.allowsUnconditionally("open")).isTrue();
        assertThat(x86.allowsUnconditionally("arch_prctl")).isTrue();
        assertThat(arm.rules()).allSatisfy(r -> assertThat(SyscallNames.known(Arch.AARCH64, r.syscall())).isTrue());
        // A portable policy may name a call one architecture lacks.
        SeccompFilter armWithOpen = SeccompFilter.forPolicy(SecurityPolicy.builder(PolicyProfile.CUSTOM).allowSyscalls("execve", "open").build(),
                Arch.AARCH64);
        assertThat(armWithOpen.rules()).extracting(SeccompRule::syscall).containsExactly("exit", "exit_group", "rt_sigreturn", "execve");
    }

    @Test
    void aPolicyAddsCallsAndAnAddedConditionalCallIsAllowedWhole() {
        SeccompFilter f = SeccompFilter.forPolicy(SecurityPolicy.builder(PolicyProfile.BUILD).allowSyscalls("ptrace", "clone").build(),
                Arch.X86_64);

        assertThat(f.allowsUnconditionally("ptrace")).isTrue();
        assertThat(f.rules().stream().filter(r -> r.syscall().equals("clone")).toList())
                .containsExactly(SeccompRule.of("clone", SeccompAction.ALLOW));
    }

    @Test
    void anUnknownSystemCallIsInvalidSpecNamingIt() {
        SecurityPolicy p = SecurityPolicy.builder(PolicyProfile.BUILD).allowSyscalls("read", "teleport").build();

        assertThatThrownBy(() -> SeccompFilter.forPolicy(p, Arch.X86_64))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("'teleport'").hasMessageContaining("containerv-helper syscalls");
    }

    @Test
    void customAllowsOnlyWhatItNamesAndMustNameExecve() {
        assertThatThrownBy(() -> SeccompFilter.forPolicy(SecurityPolicy.builder(PolicyProfile.CUSTOM).allowSyscalls("read").build(), Arch.X86_64))
                .isInstanceOfSatisfying(ContainerException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_SPEC))
                .hasMessageContaining("execve");

        SeccompFilter f = SeccompFilter.forPolicy(SecurityPolicy.builder(PolicyProfile.CUSTOM).allowSyscalls("execve", "exit_group").build(),
                Arch.X86_64);
        // A process can always end: exit, exit_group and rt_sigreturn come with every allow-list.
        assertThat(f.rules()).containsExactly(SeccompRule.of("exit", SeccompAction.ALLOW), SeccompRule.of("rt_sigreturn", SeccompAction.ALLOW),
                SeccompRule.of("execve", SeccompAction.ALLOW), SeccompRule.of("exit_group", SeccompAction.ALLOW));
        assertThat(f.allowsUnconditionally("read")).isFalse();
    }

    @Test
    void logOnlyIsAskedForByTheEnvironment() {
        assertThat(SeccompFilter.logOnlyRequested(Map.of("CONTAINERV_SECCOMP_LOG", "1"))).isTrue();
        assertThat(SeccompFilter.logOnlyRequested(Map.of("CONTAINERV_SECCOMP_LOG", "0"))).isFalse();
        assertThat(SeccompFilter.logOnlyRequested(Map.of())).isFalse();
        assertThat(SeccompFilter.defaultDenyList(Arch.X86_64).logOnly(true).logOnly()).isTrue();
    }

    @Test
    void planTextIsWhatTheHelperParses() {
        assertThat(SeccompRule.of("getppid", SeccompAction.EPERM).planText()).isEqualTo("getppid errno:EPERM");
        assertThat(SeccompRule.of("clone3", SeccompAction.ENOSYS).planText()).isEqualTo("clone3 errno:ENOSYS");
        assertThat(SeccompRule.of("unshare", SeccompAction.EPERM, ArgCondition.maskedEq(0, 0x10000000L, 0x10000000L)).planText())
                .isEqualTo("unshare errno:EPERM 0:masked_eq:0x10000000:0x10000000");
        assertThat(SeccompRule.of("personality", SeccompAction.ALLOW, ArgCondition.eq(0, 0xffffffffL)).planText())
                .isEqualTo("personality allow 0:eq:0xffffffff");
        assertThat(SeccompAction.KILL_PROCESS.planText()).isEqualTo("kill");
        assertThat(SeccompAction.LOG.planText()).isEqualTo("log");
    }

    @Test
    void rulesTheHelperCouldNotCompileAreRefusedWhenMade() {
        assertThatThrownBy(() -> SeccompRule.of("personality", SeccompAction.EPERM, ArgCondition.eq(0, 1), new ArgCondition(0, ArgCondition.Op.NE, 8, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argument 0 twice");
        assertThatThrownBy(() -> new ArgCondition(6, ArgCondition.Op.EQ, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArgCondition.maskedEq(0, 0x1, 0x2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeccompAction.errno("EFOO")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeccompRule.of("Open", SeccompAction.EPERM)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(PolicyProfile.class)
    void everyProfileRuleIsForAKnownCallOfItsArchitecture(PolicyProfile profile) {
        SecurityPolicy p = SecurityPolicy.builder(profile).allowSyscalls("execve").build();
        for (Arch arch : Arch.values()) {
            assertThat(SeccompFilter.forPolicy(p, arch).rules()).allSatisfy(r -> assertThat(SyscallNames.known(arch, r.syscall())).isTrue());
        }
    }

    @Test
    void theArchitectureComesFromOsArch() {
        assertThat(Arch.of("amd64")).isEqualTo(Arch.X86_64);
        assertThat(Arch.of("aarch64")).isEqualTo(Arch.AARCH64);
        assertThatThrownBy(() -> Arch.of("riscv64")).isInstanceOfSatisfying(ContainerException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_SUPPORTED)).hasMessageContaining("riscv64");
    }
}
