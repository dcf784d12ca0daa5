/*
 * userns.c - the container's user namespace (issue 14).
 *
 * Order, and why: the supervisor makes the namespace first, in a child that exists only to
 * hold it (clone with CLONE_NEWUSER), writes its maps and keeps a descriptor of it. The init
 * is then cloned into its other namespaces as a process of the host's root, does the whole
 * mount setup with host privileges (idmapped mounts need CAP_SYS_ADMIN over the file
 * system's namespace, device nodes need CAP_MKNOD, /proc and /sys mounts need the pid and
 * network namespaces' owner), and enters the user namespace last, unsharing its mount
 * namespace at the same moment. The copy belongs to the less privileged namespace, so the
 * kernel locks every mount in it (flags MNT_LOCK_READONLY/NOSUID/NODEV/NOEXEC/ATIME, and
 * MNT_LOCKED on each mount): not even root of the container can remount a read-only bind
 * writable or unmount a mask. Had the clone made the user namespace, it would own the
 * mount namespace and the setup's mounts would be its root's to undo.
 * Consequence: the pid, uts, ipc, network and cgroup namespaces belong to the host's user
 * namespace (see docs/linux-provider.md, "User namespaces").
 *
 * Never: chooses a mapping (a supervisor started before its plan writes the one mapping a user
 * may write for itself, its own ids as 0, and the plan must then name exactly that), or keeps
 * host privileges once the init has entered.
 */
#include "userns.h"
#include "subids.h"
#include "util.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int cv_userns_fd = -1;

static int write_file(const char *path, const char *text, size_t len, struct cv_fail *f)
{
    int fd cleanup_fd = CV_RETRY(open(path, O_WRONLY | O_CLOEXEC));
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "open", errno, path, NULL);
        return -1;
    }
    /* One write: the kernel accepts a map only whole, and only once. */
    ssize_t w = CV_RETRY(write(fd, text, len));
    if (w != (ssize_t)len) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "write", w < 0 ? errno : EIO, path, "%.*s", (int)strcspn(text, "\n"),
                    text);
        return -1;
    }
    return 0;
}

static int write_map(pid_t pid, const char *file, const struct cv_id_range *r, size_t n, struct cv_fail *f)
{
    char path[64], buf[CV_MAX_ID_RANGES * 34];
    size_t len = 0;
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    for (size_t i = 0; i < n && len < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%u %u %u\n", r[i].inside, r[i].outside, r[i].count);
    return write_file(path, buf, len, f);
}

int cv_userns_write_maps(pid_t pid, const struct cv_plan *p, struct cv_fail *f)
{
    if (p->setgroups_deny) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
        if (write_file(path, "deny", 4, f) != 0)
            return -1;
    }
    return write_map(pid, "uid_map", p->uid_map, p->nuid_map, f) || write_map(pid, "gid_map", p->gid_map, p->ngid_map, f)
               ? -1
               : 0;
}

/* Rootless: the supervisor, a normal user's process, moves itself into a new user namespace
 * and writes its own maps (the single line of its own id that the kernel lets an unprivileged
 * process write, after "deny" to setgroups). Every namespace it makes later belongs to it. */
static int unshare_self(const struct cv_plan *p, struct cv_fail *f)
{
    if (p->newuidmap) /* subordinate ids: the setuid tools write the maps, from outside */
        return cv_subids_unshare(p, f);
    if (unshare(CLONE_NEWUSER) != 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "unshare", errno, "", "CLONE_NEWUSER");
        return -1;
    }
    return cv_userns_write_maps(getpid(), p, f);
}

/* Names, in the environment of the re-executed supervisor, the user namespace it made. */
const char *cv_userns_self_mark;

static int own_userns_id(char *buf, size_t n, struct cv_fail *f)
{
    struct stat st;
    if (stat("/proc/self/ns/user", &st) != 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "stat", errno, "/proc/self/ns/user", NULL);
        return -1;
    }
    snprintf(buf, n, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    return 0;
}

/* Executes this program again as `init <plan-path> [early|standby] <mark>` (a standby's first
 * word is its room), the mark naming the user namespace it is in now; returns only on failure. */
static int reexec_inside(const char *plan_path, const char *mode, struct cv_fail *f)
{
    char id[64];
    if (own_userns_id(id, sizeof id, f) != 0)
        return -1;
    /* Exec again: a process's memory belongs to the user namespace it was executed in, and while
     * that is the host's, the kernel shows the /proc files of the (non-dumpable) init and its
     * children as host root's, which the user's JVM could then not read (stats, copies). */
    /* By its path, not /proc/self/exe: the name shows as PID 1's command in the container. */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || (size_t)n >= sizeof self - 1) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "readlink", n < 0 ? errno : ENAMETOOLONG, "/proc/self/exe", NULL);
        return -1;
    }
    self[n] = '\0';
    /* The mark as a word of the command line, which title.c blanks in the init (an environment
     * variable would stay readable in /proc/1/environ after unsetenv). */
    char *argv[] = { self, "init", (char *)plan_path, mode ? (char *)mode : id, mode ? id : NULL, NULL };
    execv(self, argv);
    cv_fail_set(f, CV_STEP_USER_NAMESPACE, "execv", errno, self, NULL);
    return -1;
}

/* Reads /proc/self/<file> (uid_map or gid_map) and compares it with the plan's lines. */
static int map_is(const char *file, const struct cv_id_range *r, size_t n, struct cv_fail *f)
{
    char path[64], buf[CV_MAX_ID_RANGES * 34 + 1];
    snprintf(path, sizeof path, "/proc/self/%s", file);
    int fd cleanup_fd = CV_RETRY(open(path, O_RDONLY | O_CLOEXEC));
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "open", errno, path, NULL);
        return -1;
    }
    ssize_t len = CV_RETRY(read(fd, buf, sizeof buf - 1));
    if (len < 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "read", errno, path, NULL);
        return -1;
    }
    buf[len] = '\0';
    /* The kernel's lines, spaces collapsed, for the failure detail. */
    char seen[sizeof buf];
    size_t sl = 0;
    for (ssize_t k = 0; k < len; k++) {
        char ch = buf[k] == '\n' ? ';' : buf[k];
        if (ch == ' ' && (sl == 0 || seen[sl - 1] == ' ' || seen[sl - 1] == ';'))
            continue;
        if (ch == ';' && sl > 0 && seen[sl - 1] == ' ')
            sl--;
        seen[sl++] = ch;
    }
    if (sl > 0 && seen[sl - 1] == ';')
        sl--;
    seen[sl] = '\0';
    size_t i = 0;
    int same = 1;
    char *save = NULL;
    for (char *l = strtok_r(buf, "\n", &save); l && same; l = strtok_r(NULL, "\n", &save), i++) {
        unsigned in, out, count;
        same = i < n && sscanf(l, "%u %u %u", &in, &out, &count) == 3 && in == r[i].inside && out == r[i].outside &&
               count == r[i].count;
    }
    if (!same || i != n) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "", EINVAL, path,
                    "the user namespace made before the plan was read does not have the plan's maps: it has '%s',"
                    " the plan %zu line(s) from '%u %u %u'",
                    seen, n, n ? r[0].inside : 0, n ? r[0].outside : 0, n ? r[0].count : 0);
        return -1;
    }
    return 0;
}

int cv_userns_self(const struct cv_plan *p, const char *plan_path, struct cv_fail *f)
{
    if (!p->userns_self) {
        if (cv_userns_self_mark) {
            cv_fail_set(f, CV_STEP_USER_NAMESPACE, "", EINVAL, "",
                        "the helper runs in a user namespace of its own, but the plan asks for none (no userns-self)");
            return -1;
        }
        return 0;
    }
    char id[64];
    if (own_userns_id(id, sizeof id, f) != 0)
        return -1;
    if (cv_userns_self_mark && strcmp(cv_userns_self_mark, id) == 0) {
        /* The re-executed supervisor, inside. Made before the plan was read (`init - userns-self`),
         * the namespace must have exactly the plan's maps. */
        return map_is("uid_map", p->uid_map, p->nuid_map, f) || map_is("gid_map", p->gid_map, p->ngid_map, f) ? -1 : 0;
    }
    if (unshare_self(p, f) != 0)
        return -1;
    return reexec_inside(plan_path, NULL, f);
}

int cv_userns_self_early(const char *plan_path, const char *mode, struct cv_fail *f)
{
    /* The one map a user may write for itself: its own ids as 0 (read before unshare, after
     * which they show as the overflow id). */
    struct cv_id_range u = { 0, (uint32_t)geteuid(), 1 }, g = { 0, (uint32_t)getegid(), 1 };
    struct cv_plan own;
    memset(&own, 0, sizeof own);
    own.setgroups_deny = 1;
    own.uid_map = &u;
    own.nuid_map = 1;
    own.gid_map = &g;
    own.ngid_map = 1;
    if (unshare_self(&own, f) != 0)
        return -1;
    return reexec_inside(plan_path, mode, f);
}

int cv_userns_create(const struct cv_plan *p, struct cv_fail *f)
{
    if (!cv_plan_has_userns(p) || p->userns_self) /* rootless: made by cv_userns_self */
        return 0;
    /* Like fork (copy-on-write stack); the child only waits to be killed. */
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "clone", errno, "", "CLONE_NEWUSER");
        return -1;
    }
    if (pid == 0) {
        (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        for (;;)
            pause();
    }
    int rc = cv_userns_write_maps(pid, p, f);
    if (rc == 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
        cv_userns_fd = CV_RETRY(open(path, O_RDONLY | O_CLOEXEC));
        if (cv_userns_fd < 0) {
            cv_fail_set(f, CV_STEP_USER_NAMESPACE, "open", errno, path, NULL);
            rc = -1;
        }
    }
    kill(pid, SIGKILL);
    (void)CV_RETRY(waitpid(pid, NULL, 0));
    return rc;
}

static uint32_t outside_of_zero(const struct cv_id_range *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].inside == 0)
            return r[i].outside;
    return 0; /* not reached: the plan parser requires 0 to be mapped */
}

uid_t cv_userns_root_uid(const struct cv_plan *p)
{
    return (uid_t)outside_of_zero(p->uid_map, p->nuid_map);
}

gid_t cv_userns_root_gid(const struct cv_plan *p)
{
    return (gid_t)outside_of_zero(p->gid_map, p->ngid_map);
}

/* Changing the file-system or effective ids clears the parent-death signal and the dumpable
 * flag the init set first (init.c): set both again. */
static int reapply_process_flags(struct cv_fail *f)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        cv_fail_set(f, CV_STEP_ENTER_USERNS, "prctl", errno, "", NULL);
        return -1;
    }
    return 0;
}

int cv_userns_setup_ids(const struct cv_plan *p, int on, struct cv_fail *f)
{
    if (!cv_plan_has_userns(p) || p->userns_self) /* rootless: in it from the start */
        return 0;
    uid_t uid = on ? cv_userns_root_uid(p) : 0;
    gid_t gid = on ? cv_userns_root_gid(p) : 0;
    (void)setfsgid(gid);
    (void)setfsuid(uid);
    /* setfsuid answers the previous id, never an error: ask again to know it took. */
    if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid) {
        cv_fail_set(f, CV_STEP_ENTER_USERNS, "setfsuid", EPERM, "", "file-system ids %u:%u", (unsigned)uid,
                    (unsigned)gid);
        return -1;
    }
    if (on) {
        /* Leaving fsuid 0 clears the file-system capabilities (CAP_CHOWN, CAP_DAC_OVERRIDE,
         * CAP_MKNOD...) from the effective set; they are still permitted: raise them again. */
        struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
        struct __user_cap_data_struct data[2];
        if (syscall(SYS_capget, &hdr, data) != 0) {
            cv_fail_set(f, CV_STEP_ENTER_USERNS, "capget", errno, "", NULL);
            return -1;
        }
        data[0].effective = data[0].permitted;
        data[1].effective = data[1].permitted;
        if (syscall(SYS_capset, &hdr, data) != 0) {
            cv_fail_set(f, CV_STEP_ENTER_USERNS, "capset", errno, "", NULL);
            return -1;
        }
    }
    return reapply_process_flags(f);
}

int cv_userns_enter(const struct cv_plan *p, struct cv_fail *f)
{
    if (!cv_plan_has_userns(p) || p->userns_self) /* rootless: in it from the start */
        return 0;
    if (setns(cv_userns_fd, CLONE_NEWUSER) != 0) {
        cv_fail_set(f, CV_STEP_ENTER_USERNS, "setns", errno, "", "user namespace");
        return -1;
    }
    close(cv_userns_fd);
    cv_userns_fd = -1;
    /* The copy belongs to the user namespace just entered: the kernel locks all its mounts. */
    if (unshare(CLONE_NEWNS) != 0) {
        cv_fail_set(f, CV_STEP_ENTER_USERNS, "unshare", errno, "", "mount namespace");
        return -1;
    }
    /* The host's supplementary groups mean nothing inside; with setgroups denied they cannot
     * be dropped (the kernel refuses setgroups), and the plan's author accepted that. */
    if (!p->setgroups_deny && setgroups(0, NULL) != 0) {
        cv_fail_set(f, CV_STEP_ENTER_USERNS, "setgroups", errno, "", NULL);
        return -1;
    }
    if (setresgid(0, 0, 0) != 0) {
        cv_fail_set(f, CV_STEP_ENTER_USERNS, "setresgid", errno, "", "gid 0 of the container");
        return -1;
    }
    if (setresuid(0, 0, 0) != 0) {
        cv_fail_set(f, CV_STEP_ENTER_USERNS, "setresuid", errno, "", "uid 0 of the container");
        return -1;
    }
    return reapply_process_flags(f);
}
