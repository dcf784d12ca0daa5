package dev.containerv.linux.security;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One seccomp rule: a system call by name, the action, and conditions that must all hold. Several rules
 * for one system call are alternatives. At most one condition per argument (libseccomp 2.5 refuses two),
 * and a rule without conditions replaces the conditional rules of its system call.
 *
 * @param syscall    the system call name, as libseccomp knows it
 * @param action     what happens when the rule matches
 * @param conditions argument conditions, all of which must hold (empty: always)
 */
public record SeccompRule(String syscall, SeccompAction action, List<ArgCondition> conditions) {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** @throws IllegalArgumentException for a malformed name, more than six conditions or two on one argument */
    public SeccompRule {
        Objects.requireNonNull(syscall, "syscall");
        Objects.requireNonNull(action, "action");
        conditions = List.copyOf(conditions);
        if (!NAME.matcher(syscall).matches()) {
            throw new IllegalArgumentException("seccomp rule for '" + syscall + "'; accepted: a system call name of lower-case letters, digits and '_'");
        }
        Set<Integer> args = new HashSet<>();
        for (ArgCondition c : conditions) {
            if (!args.add(c.arg())) {
                throw new IllegalArgumentException("seccomp rule for '" + syscall + "' compares argument " + c.arg()
                        + " twice; accepted: one condition per argument (write alternatives as separate rules)");
            }
        }
    }

    /** A rule without conditions. */
    public static SeccompRule of(String syscall, SeccompAction action) {
        return new SeccompRule(syscall, action, List.of());
    }

    /** A rule with conditions. */
    public static SeccompRule of(String syscall, SeccompAction action, ArgCondition... conditions) {
        return new SeccompRule(syscall, action, List.of(conditions));
    }

    /** The helper's text form: {@code <name> <action> [<condition>...]}, fields separated by spaces. */
    public String planText() {
        StringBuilder sb = new StringBuilder(syscall).append(' ').append(action.planText());
        for (ArgCondition c : conditions) {
            sb.append(' ').append(c.planText());
        }
        return sb.toString();
    }
}
