package dev.containerv.api;

import dev.containerv.internal.Checks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which syscalls and paths processes in a container may use, on top of a {@link PolicyProfile}.
 * Anything not allowed is denied: the policy fails closed.
 *
 * <pre>{@code
 * SecurityPolicy.builder(PolicyProfile.BUILD)
 *         .allowSyscalls("ptrace")
 *         .allowPaths(Access.READ_WRITE, "/src", "/tmp")
 *         .build();
 * }</pre>
 */
public final class SecurityPolicy {
    private static final Pattern SYSCALL = Pattern.compile("[a-z_][a-z0-9_]{0,63}");

    /** A path rule: processes may use {@code path} and what lies below it with {@code access}. */
    public record PathRule(String path, Access access) {
        /** @throws ContainerException {@code INVALID_SPEC} for a path that is not absolute */
        public PathRule {
            path = ContainerPaths.check("policy.path", path);
            Checks.notNull("policy.access", access, "READ_ONLY or READ_WRITE");
        }
    }

    private final PolicyProfile profile;
    private final Set<String> allowedSyscalls;
    private final List<PathRule> pathRules;

    private SecurityPolicy(Builder b) {
        this.profile = b.profile;
        this.allowedSyscalls = Set.copyOf(b.syscalls);
        this.pathRules = List.copyOf(b.paths);
    }

    /** The profile alone. */
    public static SecurityPolicy of(PolicyProfile profile) {
        return builder(profile).build();
    }

    /** A builder starting from the profile, to add syscalls and path rules to. */
    public static Builder builder(PolicyProfile profile) {
        return new Builder(Checks.notNull("policy.profile", profile, "one of " + Arrays.toString(PolicyProfile.values())));
    }

    /** The profile the policy starts from. */
    public PolicyProfile profile() {
        return profile;
    }

    /** Syscalls allowed on top of the profile. */
    public Set<String> allowedSyscalls() {
        return allowedSyscalls;
    }

    /** Paths allowed on top of the profile. */
    public List<PathRule> pathRules() {
        return pathRules;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecurityPolicy p && profile == p.profile && allowedSyscalls.equals(p.allowedSyscalls) && pathRules.equals(p.pathRules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, allowedSyscalls, pathRules);
    }

    @Override
    public String toString() {
        return "SecurityPolicy[" + profile + ", syscalls=" + allowedSyscalls + ", paths=" + pathRules + "]";
    }

    /** Builds a {@link SecurityPolicy}. Not thread-safe. */
    public static final class Builder {
        private final PolicyProfile profile;
        private final Set<String> syscalls = new LinkedHashSet<>();
        private final List<PathRule> paths = new ArrayList<>();

        private Builder(PolicyProfile profile) {
            this.profile = profile;
        }

        /** Allows syscalls by name ({@code ptrace}, {@code mount}); names are lower case. */
        public Builder allowSyscalls(String... names) {
            for (String name : Checks.elements("policy.syscall", "syscall names", names)) {
                Checks.text("policy.syscall", name);
                if (!SYSCALL.matcher(name).matches()) {
                    throw ContainerException.invalidSpec("policy.syscall", name, "a syscall name of lower-case letters, digits and '_'");
                }
                syscalls.add(name);
            }
            return this;
        }

        /** Allows paths (absolute container paths) with the given access. */
        public Builder allowPaths(Access access, String... paths) {
            Checks.notNull("policy.access", access, "READ_ONLY or READ_WRITE");
            for (String path : Checks.elements("policy.path", "absolute container paths", paths)) {
                this.paths.add(new PathRule(path, access));
            }
            return this;
        }

        /** The policy; each adder validated its value already. */
        public SecurityPolicy build() {
            return new SecurityPolicy(this);
        }
    }
}
