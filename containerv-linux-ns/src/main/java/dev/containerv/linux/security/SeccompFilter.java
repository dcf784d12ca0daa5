package dev.containerv.linux.security;

import dev.containerv.api.ContainerException;
import dev.containerv.api.PolicyProfile;
import dev.containerv.api.SecurityPolicy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The seccomp filter of a container, as rules the helper compiles once (libseccomp) and loads in each
 * process just before execve: a default action for the system calls no rule names, and the rules.
 * Immutable.
 *
 * <ul>
 *   <li>{@link #defaultDenyList}: without a {@code SecurityPolicy}, everything is allowed but the escape
 *       and host-wide calls of {@link DefaultDenyList}, which fail with EPERM.</li>
 *   <li>{@link #forPolicy}: a policy turns that into an allow-list: its profile's calls and the calls it
 *       adds are allowed, anything else fails with EPERM.</li>
 * </ul>
 * Either way {@code clone} and {@code unshare} are refused with namespace flags, {@code clone3} gets
 * ENOSYS (its flags are out of a filter's reach; the C library then uses clone) and {@code personality}
 * keeps the default personalities only, unless a policy allows one of those calls by name, which allows it
 * whole. {@link #logOnly} turns every denial into a logged allow (CONTAINERV_SECCOMP_LOG=1).
 *
 * @param arch          the architecture the names are for
 * @param defaultAction what happens to a call no rule names
 * @param rules         the rules, in order
 * @param logOnly       whether denials are only logged
 */
public record SeccompFilter(Arch arch, SeccompAction defaultAction, List<SeccompRule> rules, boolean logOnly) {
    /**
     * Calls every allow-list allows, CUSTOM included: a process must always be able to end (with
     * {@code exit}/{@code exit_group} denied, the C library's {@code _exit} would spin forever) and to
     * return from a signal handler.
     */
    public static final List<String> ALWAYS_ALLOWED = List.of("exit", "exit_group", "rt_sigreturn");

    /** Environment variable that turns denials into log entries, for finding what a workload needs. */
    public static final String LOG_ONLY_ENV = "CONTAINERV_SECCOMP_LOG";

    public SeccompFilter {
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(defaultAction, "defaultAction");
        rules = List.copyOf(rules);
    }

    /** The filter of a container without a policy. */
    public static SeccompFilter defaultDenyList(Arch arch) {
        List<SeccompRule> rules = new ArrayList<>();
        for (SeccompRule r : DefaultDenyList.rules()) {
            if (SyscallNames.known(arch, r.syscall())) {
                rules.add(r);
            }
        }
        return new SeccompFilter(arch, SeccompAction.ALLOW, rules, false);
    }

    /**
     * The allow-list of a policy: its profile's system calls and those it adds.
     *
     * @throws ContainerException {@code INVALID_SPEC} naming a system call no supported architecture has,
     *                            or a CUSTOM policy that does not allow {@code execve} (nothing could start)
     */
    public static SeccompFilter forPolicy(SecurityPolicy policy, Arch arch) {
        Objects.requireNonNull(policy, "policy");
        Set<String> added = new TreeSet<>(policy.allowedSyscalls());
        for (String name : added) {
            if (!SyscallNames.knownOnAny(name)) {
                throw ContainerException.invalidSpec("policy.syscall", name,
                        "a system call name of x86_64 or aarch64, as libseccomp names it (see containerv-helper syscalls)");
            }
        }
        if (policy.profile() == PolicyProfile.CUSTOM && !added.contains("execve") && !added.contains("execveat")) {
            throw ContainerException.invalidSpec("policy.syscalls", added,
                    "a CUSTOM policy that allows execve (it starts every container process)");
        }
        List<SeccompRule> rules = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(ProfileSyscalls.of(policy.profile(), arch));
        names.addAll(ALWAYS_ALLOWED);
        for (String name : names) {
            if (added.contains(name)) {
                continue;
            }
            switch (name) {
                case "clone" -> rules.add(SeccompRule.of(name, SeccompAction.ALLOW, ArgCondition.maskedEq(0, Namespaces.CLONE_FLAGS, 0)));
                case "unshare" -> rules.add(SeccompRule.of(name, SeccompAction.ALLOW, ArgCondition.maskedEq(0, Namespaces.UNSHARE_FLAGS, 0)));
                case "personality" -> {
                    for (long v : new long[] {0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL}) {
                        rules.add(SeccompRule.of(name, SeccompAction.ALLOW, ArgCondition.eq(0, v)));
                    }
                }
                default -> rules.add(SeccompRule.of(name, SeccompAction.ALLOW));
            }
        }
        if (names.contains("clone") && !added.contains("clone3")) {
            rules.add(SeccompRule.of("clone3", SeccompAction.ENOSYS));
        }
        for (String name : added) {
            // A name this architecture lacks cannot be called here; a portable policy may still list it.
            if (SyscallNames.known(arch, name)) {
                rules.add(SeccompRule.of(name, SeccompAction.ALLOW));
            }
        }
        return new SeccompFilter(arch, SeccompAction.EPERM, rules, false);
    }

    /**
     * The plan's lines for this filter: {@code seccomp-default <action>}, one {@code seccomp <rule>} per
     * rule, and {@code seccomp-log} when denials are only logged. {@code containerv-helper seccomp-check}
     * reads the same lines.
     */
    public List<String> planLines() {
        List<String> lines = new ArrayList<>(rules.size() + 2);
        lines.add("seccomp-default " + defaultAction.planText());
        for (SeccompRule r : rules) {
            lines.add("seccomp " + r.planText());
        }
        if (logOnly) {
            lines.add("seccomp-log");
        }
        return List.copyOf(lines);
    }

    /** This filter with denials only logged (or not). */
    public SeccompFilter logOnly(boolean on) {
        return new SeccompFilter(arch, defaultAction, rules, on);
    }

    /** Whether the environment asks for log-only denials ({@value #LOG_ONLY_ENV}=1). */
    public static boolean logOnlyRequested(Map<String, String> env) {
        return "1".equals(env.get(LOG_ONLY_ENV));
    }

    /** Whether a call of {@code syscall} with no arguments looked at would be allowed (for tests and messages). */
    public boolean allowsUnconditionally(String syscall) {
        boolean named = false;
        for (SeccompRule r : rules) {
            if (r.syscall().equals(syscall)) {
                named = true;
                if (r.conditions().isEmpty()) {
                    return r.action().kind() == SeccompAction.Kind.ALLOW;
                }
            }
        }
        return !named && defaultAction.kind() == SeccompAction.Kind.ALLOW;
    }
}
