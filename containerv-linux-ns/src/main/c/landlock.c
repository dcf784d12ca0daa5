/*
 * landlock.c - Landlock rulesets for the path rules of a SecurityPolicy (see landlock.h).
 * The rights handled follow the kernel's ABI version, so a newer kernel restricts more
 * (truncate from ABI 3, device ioctls from ABI 5) and an older one still works.
 *
 * Never: leaves a right unhandled that the ABI knows, or follows a symlink out of the root
 * when opening a rule's path (PID 1 is already inside the container's root).
 */
#include "landlock.h"
#include "util.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Rights of later ABIs than the build machine's header may know. */
#define CV_LL_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define CV_LL_IOCTL_DEV (1ULL << 15) /* ABI 5 */

/* The first field of struct landlock_ruleset_attr: the kernel accepts a shorter struct
 * (extensible-struct rules), and only file system rights are restricted here. */
struct cv_ll_ruleset_attr {
    uint64_t handled_access_fs;
};

struct cv_ll_path_beneath {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

int cv_landlock_abi(void)
{
    return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

static uint64_t handled_for(int abi)
{
    uint64_t h = (1ULL << 13) - 1; /* ABI 1: EXECUTE .. MAKE_SYM */
    if (abi >= 2)
        h |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        h |= CV_LL_TRUNCATE;
    if (abi >= 5)
        h |= CV_LL_IOCTL_DEV;
    return h;
}

/* The rights that make sense on a file (the kernel refuses directory rights there). */
static const uint64_t FILE_RIGHTS = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                                    LANDLOCK_ACCESS_FS_READ_FILE | CV_LL_TRUNCATE | CV_LL_IOCTL_DEV;
static const uint64_t READ_RIGHTS = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE |
                                    LANDLOCK_ACCESS_FS_READ_DIR;

int cv_landlock_build(const struct cv_landlock_rule *rules, size_t n, struct cv_fail *f)
{
    int abi = cv_landlock_abi();
    if (abi < 1) {
        int e = errno;
        cv_fail_set(f, CV_STEP_LANDLOCK, "landlock_create_ruleset", e, "",
                    "%s", e == EOPNOTSUPP ? "Landlock is built into this kernel but not enabled (add it to the lsm= boot parameter)"
                                          : "this kernel has no Landlock (path rules need Linux 5.13 or later with CONFIG_SECURITY_LANDLOCK)");
        return -1;
    }
    uint64_t handled = handled_for(abi);
    struct cv_ll_ruleset_attr attr = { .handled_access_fs = handled };
    int rs cleanup_fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (rs < 0) {
        cv_fail_set(f, CV_STEP_LANDLOCK, "landlock_create_ruleset", errno, "", "ABI %d", abi);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        int pfd cleanup_fd = CV_RETRY(open(rules[i].path, O_PATH | O_CLOEXEC));
        struct stat st;
        if (pfd < 0 || fstat(pfd, &st) != 0) {
            cv_fail_set(f, CV_STEP_LANDLOCK, "open", errno, rules[i].path, "a path rule of the policy");
            return -1;
        }
        uint64_t rights = rules[i].writable ? handled : (READ_RIGHTS & handled);
        if (!S_ISDIR(st.st_mode))
            rights &= FILE_RIGHTS;
        struct cv_ll_path_beneath pb = { .allowed_access = rights, .parent_fd = pfd };
        if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) {
            cv_fail_set(f, CV_STEP_LANDLOCK, "landlock_add_rule", errno, rules[i].path, "rights %#llx",
                        (unsigned long long)rights);
            return -1;
        }
    }
    return cv_steal_fd(&rs);
}

int cv_landlock_enforce(int ruleset_fd, struct cv_fail *f)
{
    if (syscall(SYS_landlock_restrict_self, ruleset_fd, 0) != 0) {
        cv_fail_set(f, CV_STEP_LANDLOCK, "landlock_restrict_self", errno, "", NULL);
        return -1;
    }
    return 0;
}

/* struct landlock_ruleset_attr up to its scoped field (ABI 6). */
struct cv_ll_ruleset_attr_scoped {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

#define CV_LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */

int cv_landlock_scope_abstract_unix(struct cv_fail *f)
{
    if (cv_landlock_abi() < 6)
        return 0;
    struct cv_ll_ruleset_attr_scoped attr = { .scoped = CV_LL_SCOPE_ABSTRACT_UNIX_SOCKET };
    int rs cleanup_fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (rs < 0) {
        cv_fail_set(f, CV_STEP_LANDLOCK, "landlock_create_ruleset", errno, "", "scope abstract-unix");
        return -1;
    }
    if (cv_landlock_enforce(rs, f) != 0)
        return -1;
    return 1;
}
