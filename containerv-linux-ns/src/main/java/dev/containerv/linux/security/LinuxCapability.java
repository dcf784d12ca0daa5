package dev.containerv.linux.security;

import dev.containerv.api.ContainerException;

import java.util.Locale;

/** The Linux capabilities by number (linux/capability.h), as the helper's caps.c names them. */
public enum LinuxCapability {
    CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, LINUX_IMMUTABLE,
    NET_BIND_SERVICE, NET_BROADCAST, NET_ADMIN, NET_RAW, IPC_LOCK, IPC_OWNER, SYS_MODULE, SYS_RAWIO, SYS_CHROOT,
    SYS_PTRACE, SYS_PACCT, SYS_ADMIN, SYS_BOOT, SYS_NICE, SYS_RESOURCE, SYS_TIME, SYS_TTY_CONFIG, MKNOD, LEASE,
    AUDIT_WRITE, AUDIT_CONTROL, SETFCAP, MAC_OVERRIDE, MAC_ADMIN, SYSLOG, WAKE_ALARM, BLOCK_SUSPEND, AUDIT_READ,
    PERFMON, BPF, CHECKPOINT_RESTORE;

    /** The kernel's number of this capability. */
    public int number() {
        return ordinal();
    }

    /**
     * The capability named {@code CHOWN} or {@code CAP_CHOWN}, in any case.
     *
     * @throws ContainerException {@code INVALID_SPEC} naming an unknown capability
     */
    public static LinuxCapability of(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("CAP_")) {
            n = n.substring(4);
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw ContainerException.invalidSpec("capability", name, "a Linux capability name such as NET_ADMIN or CAP_NET_ADMIN");
        }
    }
}
