package dev.containerv.linux.security;

import java.util.ArrayList;
import java.util.List;

/**
 * The default filter of every container without a {@code SecurityPolicy}: everything is allowed except
 * what no build needs and what escapes need, which fails with EPERM while the process lives on.
 */
final class DefaultDenyList {
    /** Denied outright, with EPERM. Grouped by what they would give a container process. */
    static final List<String> DENIED = List.of(
            // reopening any file of the host's file systems by handle (issue 12, item 1)
            "open_by_handle_at", "name_to_handle_at",
            // replacing or extending the kernel
            "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "create_module",
            "get_kernel_syms", "query_module",
            // the host's keyrings
            "keyctl", "add_key", "request_key",
            // kernel programs, performance counters, page-fault handlers (kernel exploitation aids)
            "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
            // the mount table: remounting read-only binds, new mounts, moving the root
            "mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
            "mount_setattr", "fanotify_init",
            // joining another process's namespaces (an fd of the host's would leave the container)
            "setns",
            // host-wide state: swap, process accounting, the clock, the kernel log, I/O ports, quotas
            "swapon", "swapoff", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "syslog",
            "iopl", "ioperm", "quotactl", "quotactl_fd", "lookup_dcookie", "reboot", "vhangup", "nfsservctl",
            // obsolete interfaces with a history of bugs
            "uselib", "sysfs", "_sysctl", "ustat");

    /**
     * Personality bits a process may keep: PER_LINUX32 (bit 3) and UNAME26 (bit 17), so the values 0, 8,
     * 0x20000 and 0x20008. Any other bit (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, MMAP_PAGE_ZERO, ...) is
     * denied, one rule per bit: libseccomp cannot say "not one of these values" in a deny-list. The query
     * {@code personality(0xffffffff)} is therefore denied too in this mode (the profiles allow it).
     */
    static final long PERSONALITY_KEPT_BITS = 0x8L | 0x20000L;

    private DefaultDenyList() {
    }

    static List<SeccompRule> rules() {
        List<SeccompRule> rules = new ArrayList<>();
        for (String name : DENIED) {
            rules.add(SeccompRule.of(name, SeccompAction.EPERM));
        }
        // New namespaces: any namespace flag denies (one rule per flag; the rules are alternatives).
        for (long bit : bits(Namespaces.UNSHARE_FLAGS)) {
            rules.add(SeccompRule.of("unshare", SeccompAction.EPERM, ArgCondition.maskedEq(0, bit, bit)));
        }
        for (long bit : bits(Namespaces.CLONE_FLAGS)) {
            rules.add(SeccompRule.of("clone", SeccompAction.EPERM, ArgCondition.maskedEq(0, bit, bit)));
        }
        // clone3 passes its flags in memory a filter cannot read: ENOSYS makes the C library use clone.
        rules.add(SeccompRule.of("clone3", SeccompAction.ENOSYS));
        for (long bit : bits(0xffffffffL & ~PERSONALITY_KEPT_BITS)) {
            rules.add(SeccompRule.of("personality", SeccompAction.EPERM, ArgCondition.maskedEq(0, bit, bit)));
        }
        return List.copyOf(rules);
    }

    /** Each set bit of {@code flags} alone, lowest first. */
    private static long[] bits(long flags) {
        long[] out = new long[Long.bitCount(flags)];
        int i = 0;
        for (long rest = flags; rest != 0; rest &= rest - 1) {
            out[i++] = Long.lowestOneBit(rest);
        }
        return out;
    }
}
