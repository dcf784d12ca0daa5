package dev.containerv.linux.security;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The capability sets of a container process. By default ({@link #containerDefault}) the bounding,
 * permitted, effective and inheritable sets are {@link #DEFAULT}, close to Docker's default without
 * MKNOD and NET_RAW; ambient is empty; a process that runs as a user other than root keeps no permitted
 * or effective capability ({@link #forUser}). Capabilities outside the default (SYS_ADMIN, DAC_READ_SEARCH,
 * SYS_PTRACE, ...) come only from {@link #withAdded}, which is for trusted workloads: each one of
 * {@link #NEVER_BY_DEFAULT} undoes part of the container boundary. Immutable.
 */
public final class CapabilitySet {
    /** The default set. */
    public static final Set<LinuxCapability> DEFAULT = Collections.unmodifiableSet(EnumSet.of(
            LinuxCapability.CHOWN, LinuxCapability.DAC_OVERRIDE, LinuxCapability.FOWNER, LinuxCapability.FSETID,
            LinuxCapability.KILL, LinuxCapability.SETGID, LinuxCapability.SETUID, LinuxCapability.SETPCAP,
            LinuxCapability.SETFCAP, LinuxCapability.NET_BIND_SERVICE, LinuxCapability.SYS_CHROOT, LinuxCapability.AUDIT_WRITE));

    /**
     * Capabilities that reach beyond the container (host file handles, mounts, other processes, the
     * kernel, devices, raw packets, the clock, the kernel log, security modules): only ever added on purpose.
     */
    public static final Set<LinuxCapability> NEVER_BY_DEFAULT = Collections.unmodifiableSet(EnumSet.of(
            LinuxCapability.SYS_ADMIN, LinuxCapability.DAC_READ_SEARCH, LinuxCapability.SYS_PTRACE, LinuxCapability.SYS_MODULE,
            LinuxCapability.SYS_RAWIO, LinuxCapability.SYSLOG, LinuxCapability.SYS_BOOT, LinuxCapability.SYS_TIME,
            LinuxCapability.BPF, LinuxCapability.PERFMON, LinuxCapability.MAC_ADMIN, LinuxCapability.MAC_OVERRIDE,
            LinuxCapability.MKNOD, LinuxCapability.NET_RAW, LinuxCapability.NET_ADMIN));

    private final Set<LinuxCapability> bounding;
    private final Set<LinuxCapability> permitted;
    private final Set<LinuxCapability> effective;
    private final Set<LinuxCapability> inheritable;
    private final Set<LinuxCapability> ambient;

    private CapabilitySet(Set<LinuxCapability> bounding, Set<LinuxCapability> permitted, Set<LinuxCapability> effective,
                          Set<LinuxCapability> inheritable, Set<LinuxCapability> ambient) {
        this.bounding = frozen(bounding);
        this.permitted = frozen(permitted);
        this.effective = frozen(effective);
        this.inheritable = frozen(inheritable);
        this.ambient = frozen(ambient);
    }

    private static Set<LinuxCapability> frozen(Set<LinuxCapability> s) {
        return Collections.unmodifiableSet(s.isEmpty() ? EnumSet.noneOf(LinuxCapability.class) : EnumSet.copyOf(s));
    }

    /** The default of every container process that runs as root. */
    public static CapabilitySet containerDefault() {
        return new CapabilitySet(DEFAULT, DEFAULT, DEFAULT, DEFAULT, Set.of());
    }

    /** These sets with {@code added} in bounding, permitted, effective and inheritable: for trusted workloads only. */
    public CapabilitySet withAdded(Collection<LinuxCapability> added) {
        Objects.requireNonNull(added, "added");
        return new CapabilitySet(union(bounding, added), union(permitted, added), union(effective, added), union(inheritable, added), ambient);
    }

    /**
     * The sets of a process running as {@code uid}: root keeps them; any other user has no permitted,
     * effective or ambient capability (the kernel would clear them at setuid too; the plan says so
     * explicitly), while bounding and inheritable stay so that nothing can be regained through exec.
     */
    public CapabilitySet forUser(long uid) {
        return uid == 0 ? this : new CapabilitySet(bounding, Set.of(), Set.of(), inheritable, Set.of());
    }

    public Set<LinuxCapability> bounding() {
        return bounding;
    }

    public Set<LinuxCapability> permitted() {
        return permitted;
    }

    public Set<LinuxCapability> effective() {
        return effective;
    }

    public Set<LinuxCapability> inheritable() {
        return inheritable;
    }

    public Set<LinuxCapability> ambient() {
        return ambient;
    }

    /** Bit n set for capability n. */
    public static long mask(Set<LinuxCapability> caps) {
        long m = 0;
        for (LinuxCapability c : caps) {
            m |= 1L << c.number();
        }
        return m;
    }

    /** The helper's text form of one set: names joined by commas in number order, {@code -} when empty. */
    public static String planText(Set<LinuxCapability> caps) {
        return caps.isEmpty() ? "-" : caps.stream().sorted().map(Enum::name).collect(Collectors.joining(","));
    }

    private static Set<LinuxCapability> union(Set<LinuxCapability> a, Collection<LinuxCapability> b) {
        EnumSet<LinuxCapability> u = a.isEmpty() ? EnumSet.noneOf(LinuxCapability.class) : EnumSet.copyOf(a);
        u.addAll(b);
        return u;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapabilitySet c && bounding.equals(c.bounding) && permitted.equals(c.permitted)
                && effective.equals(c.effective) && inheritable.equals(c.inheritable) && ambient.equals(c.ambient);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bounding, permitted, effective, inheritable, ambient);
    }

    @Override
    public String toString() {
        return "CapabilitySet[bounding=" + planText(bounding) + ", permitted=" + planText(permitted) + ", effective=" + planText(effective)
                + ", inheritable=" + planText(inheritable) + ", ambient=" + planText(ambient) + "]";
    }
}
