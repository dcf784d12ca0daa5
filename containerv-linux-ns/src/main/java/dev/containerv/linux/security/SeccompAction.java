package dev.containerv.linux.security;

import java.util.Objects;
import java.util.Set;

/**
 * What a seccomp rule does with a matching system call: allow it, fail it with an errno (the process
 * lives on), kill the process, or allow and log it.
 *
 * @param kind  the kind of action
 * @param errno for {@link Kind#ERRNO}, the errno name ({@code EPERM}, {@code ENOSYS}); empty otherwise
 */
public record SeccompAction(Kind kind, String errno) {
    /** The kinds of action, as libseccomp has them. */
    public enum Kind { ALLOW, ERRNO, KILL_PROCESS, LOG }

    /** The errno names a rule may use: the helper resolves them from its own table. */
    public static final Set<String> ERRNOS = Set.of("EPERM", "EACCES", "ENOSYS", "EINVAL");

    public static final SeccompAction ALLOW = new SeccompAction(Kind.ALLOW, "");
    /** The default denial: the call fails with EPERM and the process lives. */
    public static final SeccompAction EPERM = errno("EPERM");
    /** "Not implemented": makes a C library fall back (clone3 to clone). */
    public static final SeccompAction ENOSYS = errno("ENOSYS");
    public static final SeccompAction KILL_PROCESS = new SeccompAction(Kind.KILL_PROCESS, "");
    public static final SeccompAction LOG = new SeccompAction(Kind.LOG, "");

    /** @throws IllegalArgumentException for an errno outside {@link #ERRNOS}, or one given to another kind */
    public SeccompAction {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(errno, "errno");
        if (kind == Kind.ERRNO ? !ERRNOS.contains(errno) : !errno.isEmpty()) {
            throw new IllegalArgumentException("seccomp action " + kind + " with errno '" + errno + "'; accepted: ERRNO with one of "
                    + ERRNOS + ", other kinds without");
        }
    }

    /** Fail the call with the named errno. */
    public static SeccompAction errno(String name) {
        return new SeccompAction(Kind.ERRNO, name);
    }

    /** The helper's text form: {@code allow}, {@code errno:EPERM}, {@code kill}, {@code log}. */
    public String planText() {
        return switch (kind) {
            case ALLOW -> "allow";
            case ERRNO -> "errno:" + errno;
            case KILL_PROCESS -> "kill";
            case LOG -> "log";
        };
    }
}
