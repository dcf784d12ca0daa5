/*
 * caps.c - capability sets, no_new_privs and the dumpable flag (caps.h). capset(2) is called
 * directly with the version 3 (64-bit) header: no libcap.
 *
 * Never: allocates or formats prose; the apply path only makes system calls.
 */
#include "caps.h"
#include "util.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* Index = capability number (linux/capability.h); names without the CAP_ prefix. */
static const char *const NAMES[CV_CAP_MAX_KNOWN + 1] = {
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
    "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
    "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
    "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

int cv_cap_from_name(const char *name)
{
    if (strncasecmp(name, "CAP_", 4) == 0)
        name += 4;
    for (int i = 0; i <= CV_CAP_MAX_KNOWN; i++)
        if (strcasecmp(name, NAMES[i]) == 0)
            return i;
    return -1;
}

const char *cv_cap_name(int cap)
{
    return cap >= 0 && cap <= CV_CAP_MAX_KNOWN ? NAMES[cap] : NULL;
}

int cv_caps_parse_list(const char *list, uint64_t *mask, enum cv_step step, struct cv_fail *f)
{
    *mask = 0;
    if (list[0] == '\0' || strcmp(list, "-") == 0)
        return 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char name[48];
        int cap = -1;
        if (n > 0 && n < sizeof name) {
            memcpy(name, p, n);
            name[n] = '\0';
            cap = cv_cap_from_name(name);
        }
        if (cap < 0) {
            cv_fail_set(f, step, "", EINVAL, "", "unknown capability '%.*s'", (int)(n < 64 ? n : 64), p);
            return -1;
        }
        *mask |= 1ULL << cap;
        if (!end)
            return 0;
        p = end + 1;
    }
}

int cv_caps_last_cap(void)
{
    int fd cleanup_fd = CV_RETRY(open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC));
    char buf[16];
    ssize_t n = fd >= 0 ? cv_read_full(fd, buf, sizeof buf - 1) : -1;
    if (n <= 0)
        return CV_CAP_MAX_KNOWN;
    buf[n] = '\0';
    int v = atoi(buf);
    return v > 0 && v < 64 ? v : CV_CAP_MAX_KNOWN;
}

int cv_caps_drop_bounding(const struct cv_caps *c, int last_cap, struct cv_fail *f)
{
    for (int cap = 0; cap <= last_cap; cap++) {
        /* Each drop makes new credentials: skip what is already gone. */
        if ((c->bounding & (1ULL << cap)) || prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0)
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
            cv_fail_set(f, CV_STEP_CAPS, "prctl", errno, "", "PR_CAPBSET_DROP %d", cap);
            return -1;
        }
    }
    return 0;
}

int cv_caps_before_setuid(const struct cv_caps *c, int last_cap, struct cv_fail *f)
{
    if (cv_caps_drop_bounding(c, last_cap, f) != 0)
        return -1;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
        cv_fail_set(f, CV_STEP_CAPS, "prctl", errno, "", "PR_CAP_AMBIENT_CLEAR_ALL");
        return -1;
    }
    /* Inheritable now, while CAP_SETPCAP is effective; permitted and effective stay as they are. */
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) != 0) {
        cv_fail_set(f, CV_STEP_CAPS, "capget", errno, "", NULL);
        return -1;
    }
    data[0].inheritable = (uint32_t)c->inheritable;
    data[1].inheritable = (uint32_t)(c->inheritable >> 32);
    if (syscall(SYS_capset, &hdr, data) != 0) {
        cv_fail_set(f, CV_STEP_CAPS, "capset", errno, "", "inheritable %#llx", (unsigned long long)c->inheritable);
        return -1;
    }
    return 0;
}

int cv_caps_after_setuid(const struct cv_caps *c, int last_cap, struct cv_fail *f)
{
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2] = {
        { .effective = (uint32_t)c->effective, .permitted = (uint32_t)c->permitted,
          .inheritable = (uint32_t)c->inheritable },
        { .effective = (uint32_t)(c->effective >> 32), .permitted = (uint32_t)(c->permitted >> 32),
          .inheritable = (uint32_t)(c->inheritable >> 32) },
    };
    if (syscall(SYS_capset, &hdr, data) != 0) {
        cv_fail_set(f, CV_STEP_CAPS, "capset", errno, "", "permitted %#llx effective %#llx inheritable %#llx",
                    (unsigned long long)c->permitted, (unsigned long long)c->effective,
                    (unsigned long long)c->inheritable);
        return -1;
    }
    for (int cap = 0; cap <= last_cap; cap++) {
        if (!(c->ambient & (1ULL << cap)))
            continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
            cv_fail_set(f, CV_STEP_CAPS, "prctl", errno, "", "PR_CAP_AMBIENT_RAISE %d", cap);
            return -1;
        }
    }
    return 0;
}

int cv_caps_apply(const struct cv_caps *c, int last_cap, struct cv_fail *f)
{
    return cv_caps_before_setuid(c, last_cap, f) == 0 ? cv_caps_after_setuid(c, last_cap, f) : -1;
}

int cv_set_no_new_privs(struct cv_fail *f)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        cv_fail_set(f, CV_STEP_NO_NEW_PRIVS, "prctl", errno, "", "PR_SET_NO_NEW_PRIVS");
        return -1;
    }
    return 0;
}

int cv_set_dumpable(int on, struct cv_fail *f)
{
    if (prctl(PR_SET_DUMPABLE, on ? 1 : 0, 0, 0, 0) != 0) {
        cv_fail_set(f, CV_STEP_DUMPABLE, "prctl", errno, "", "PR_SET_DUMPABLE %d", on);
        return -1;
    }
    return 0;
}
