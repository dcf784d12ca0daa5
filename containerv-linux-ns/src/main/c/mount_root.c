/*
 * mount_root.c - the container's root, in the init's private mount namespace: the overlay (lower =
 * the plan's lower layers, top first, over the base rootfs; never written) with its writable layer
 * on disk or on a tmpfs, the per-directory overlays of a rootless view of the host's root, then
 * the plan's setup operations (mount.c), pivot_root and detaching the old root so no host path
 * stays reachable.
 *
 * Never: writes to the base rootfs or a lower layer, or names a host path in the container's
 * mountinfo (the overlay gets its directories as /proc/self/fd/N).
 */
#include "mount.h"
#include "mount_ops.h"
#include "idmap.h"
#include "util.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int cv_check_dir(const char *path, enum cv_step step, struct cv_fail *f)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        cv_fail_set(f, step, "stat", errno, path, NULL);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        cv_fail_set(f, step, "stat", ENOTDIR, path, "not a directory");
        return -1;
    }
    return 0;
}

static int overlay_safe(const char *path, struct cv_fail *f)
{
    if (strpbrk(path, ",:\\")) {
        cv_fail_set(f, CV_STEP_OVERLAY, "", EINVAL, path, "overlay paths must not contain ',', ':' or '\\'");
        return -1;
    }
    return 0;
}

/* ",volatile" when the plan says overlay-volatile: the writable layer dies with the container, so
 * the overlay need not sync it, and without the option the kernel's unmount of the overlay (when
 * the init's mount namespace dies) runs syncfs on the whole file system under the upper dir:
 * behind a busy disk that held the init's exit, and every destroy, for tens of milliseconds. */
static const char *volatile_option(const struct cv_plan *p)
{
    return p->overlay_volatile ? ",volatile" : "";
}

/* mkdir of each missing directory of path (absolute), mode 0700; what exists is left as it is. */
static int make_dirs(const char *path, enum cv_step step, struct cv_fail *f)
{
    char buf[CV_PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        cv_fail_set(f, step, "mkdir", ENAMETOOLONG, path, NULL);
        return -1;
    }
    /* Mostly the parent exists already (the second directory of a layer): one mkdir then. */
    if (mkdir(buf, 0700) == 0 || errno == EEXIST)
        return 0;
    for (char *s = buf + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
            cv_fail_set(f, step, "mkdir", errno, buf, NULL);
            return -1;
        }
        if (c == '\0')
            return 0;
        *s = c;
    }
}

/* One host directory under a private writable layer, for a rootless view of the host's root:
 * the kernel refuses an overlay whose lower is "/" in a user namespace (its submounts are
 * locked and cannot be cloned), but takes one per directory that has no mount below it. */
int cv_mount_overlay_dir(int rootfd, const struct cv_plan *p, const struct cv_setup_op *m, struct cv_fail *f)
{
    /* The layer dir may lie on the writable layer's tmpfs (tmpfs-upper), mounted just before: made
     * here then. On a tmpfs, the upper is outside every host directory, the one holding the layer
     * root included (overlayfs refuses an upper inside its lower, and a bind instead would let
     * Unix sockets and locks of the host through). */
    char sub[CV_PATH_MAX];
    for (int i = 0; i < 2; i++) {
        if (snprintf(sub, sizeof sub, "%s/%s", m->aux, i ? "work" : "upper") >= (int)sizeof sub) {
            cv_fail_set(f, CV_STEP_OVERLAY, "", ENAMETOOLONG, m->aux, NULL);
            return -1;
        }
        if (make_dirs(sub, CV_STEP_OVERLAY, f) != 0)
            return -1;
    }
    char data[3 * CV_PATH_MAX + 64];
    int n = snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s/upper,workdir=%s/work,userxattr%s", m->src, m->aux, m->aux,
                     volatile_option(p));
    if (n < 0 || (size_t)n >= sizeof data || n >= 4095) {
        cv_fail_set(f, CV_STEP_OVERLAY, "", ENAMETOOLONG, m->dst, "overlay options longer than a page");
        return -1;
    }
    return cv_mount_at(rootfd, m->dst, 1, "overlay", "overlay", MS_NODEV, data, CV_STEP_OVERLAY, f);
}

/* Opens a host directory (O_PATH) and names it /proc/self/fd/<fd> in buf; -1 with f filled. */
static int open_fd_path(const char *dir, char *buf, size_t n, struct cv_fail *f)
{
    int fd = CV_RETRY(open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "open", errno, dir, NULL);
        return -1;
    }
    cv_fdpath(buf, n, fd);
    return fd;
}

/* Appends the kernel's own words about a failed fsconfig (read from the fs context) to f's detail. */
static void fs_context_message(int fs, struct cv_fail *f)
{
    char msg[256];
    ssize_t n = read(fs, msg, sizeof msg - 1);
    size_t dl = strlen(f->detail);
    if (n > 0 && dl + 4 < sizeof f->detail) {
        msg[n] = '\0';
        snprintf(f->detail + dl, sizeof f->detail - dl, " (%s)", msg);
    }
}

/* Appends a then b to buf (holding len bytes); -1 when they do not fit. */
static int append2(char *buf, size_t size, size_t *len, const char *a, const char *b)
{
    int n = snprintf(buf + *len, size - *len, "%s%s", a, b);
    if (n < 0 || (size_t)n >= size - *len)
        return -1;
    *len += (size_t)n;
    return 0;
}

/* The overlay of a layered root (lower = the plan's `lower` lines top first, then rootfs) as one
 * mount(2) option string, which the kernel limits to a page: for kernels before 6.8. */
static int mount_layered_overlay_string(const struct cv_plan *p, const char *upper, const char *work, struct cv_fail *f)
{
    char data[4096];
    size_t len = 0;
    int r = append2(data, sizeof data, &len, "lowerdir=", "");
    for (size_t i = 0; r == 0 && i < p->nlowers; i++)
        r = append2(data, sizeof data, &len, p->lowers[i], ":");
    if (r == 0)
        r = append2(data, sizeof data, &len, p->rootfs, upper ? ",upperdir=" : "");
    if (r == 0 && upper)
        r = append2(data, sizeof data, &len, upper, ",workdir=");
    if (r == 0 && upper)
        r = append2(data, sizeof data, &len, work, volatile_option(p));
    if (r != 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "", ENAMETOOLONG, p->merged,
                    "overlay options of %zu lower layers longer than a page, and this kernel has no fsconfig lowerdir+ "
                    "(Linux >= 6.8)", p->nlowers + 1);
        return -1;
    }
    /* Without an upper, overlayfs is read-only anyway; MS_RDONLY says so in mountinfo too. */
    if (mount("overlay", p->merged, "overlay", MS_NODEV | (upper ? 0 : MS_RDONLY), data) != 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "mount", errno, p->merged, "%s", data);
        return -1;
    }
    return 0;
}

/* The overlay of a layered root through the new mount API: every lower is its own fsconfig
 * "lowerdir+" call (Linux >= 6.8), so the stack is not bound by mount(2)'s page of options and
 * no path is parsed for ':' or ','. A kernel without fsopen (ENOSYS) or "lowerdir+" (EINVAL on
 * the first one, before anything else is set) gets the option string instead. upper and work
 * NULL (root-readonly): an overlay of the lowers alone, read-only. */
static int mount_layered_overlay(const struct cv_plan *p, const char *upper, const char *work, struct cv_fail *f)
{
    for (size_t i = 0; i < p->nlowers; i++)
        if (cv_check_dir(p->lowers[i], CV_STEP_OVERLAY, f) || overlay_safe(p->lowers[i], f))
            return -1;
    int fs cleanup_fd = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
    if (fs < 0) {
        if (errno == ENOSYS)
            return mount_layered_overlay_string(p, upper, work, f);
        cv_fail_set(f, CV_STEP_OVERLAY, "fsopen", errno, p->merged, "overlay");
        return -1;
    }
    for (size_t i = 0; i <= p->nlowers; i++) {
        const char *lower = i < p->nlowers ? p->lowers[i] : p->rootfs;
        /* By /proc/self/fd/N, as the single-layer overlay: mountinfo names no host path. */
        char lower_fd[32];
        int lfd cleanup_fd = open_fd_path(lower, lower_fd, sizeof lower_fd, f);
        if (lfd < 0)
            return -1;
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", lower_fd, 0) != 0) {
            if (errno == EINVAL && i == 0)
                return mount_layered_overlay_string(p, upper, work, f);
            cv_fail_set(f, CV_STEP_OVERLAY, "fsconfig", errno, lower, "lowerdir+ (layer %zu of %zu, top first)", i + 1,
                        p->nlowers + 1);
            fs_context_message(fs, f);
            return -1;
        }
    }
    const char *keys[] = { "upperdir", "workdir" };
    const char *vals[] = { upper, work };
    for (size_t i = 0; upper && i < 2; i++) {
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, keys[i], vals[i], 0) != 0) {
            cv_fail_set(f, CV_STEP_OVERLAY, "fsconfig", errno, vals[i], "%s", keys[i]);
            fs_context_message(fs, f);
            return -1;
        }
    }
    if (upper && p->overlay_volatile && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "volatile", NULL, 0) != 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "fsconfig", errno, p->merged, "volatile");
        fs_context_message(fs, f);
        return -1;
    }
    if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "fsconfig", errno, p->merged, "create overlay of %zu lower layers",
                    p->nlowers + 1);
        fs_context_message(fs, f);
        return -1;
    }
    int mnt cleanup_fd = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV | (upper ? 0 : MOUNT_ATTR_RDONLY));
    if (mnt < 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "fsmount", errno, p->merged, NULL);
        return -1;
    }
    if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, p->merged, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "move_mount", errno, p->merged, NULL);
        return -1;
    }
    return 0;
}

/* Adds attr_set (and a propagation, when not 0) to the mount at fd; mount_setattr only adds flags,
 * so those the host's mount has locked (rootless) stay. A failure names path and what. */
static int root_setattr(int fd, uint64_t attr_set, uint64_t propagation, const char *path, const char *what,
                        struct cv_fail *f)
{
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = attr_set;
    attr.propagation = propagation;
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
        cv_fail_set(f, CV_STEP_ROOT_READONLY, "mount_setattr", errno, path, "%s", what);
        return -1;
    }
    return 0;
}

/* Makes the root read-only once the setup operations have made their mount points in its writable
 * layer on a tmpfs (root-readonly with tmpfs-upper: a rootless view of the host's root): the root
 * overlay, and each overlay-dir no later operation mounts over, as they are parts of the root. */
static int readonly_after_setup(int rootfd, const struct cv_plan *p, struct cv_fail *f)
{
    if (root_setattr(rootfd, MOUNT_ATTR_RDONLY, 0, "/", "read-only root", f) != 0)
        return -1;
    for (size_t i = 0; i < p->nsetup; i++) {
        if (p->setup[i].kind != CV_SETUP_OVERLAY_DIR)
            continue;
        int covered = 0;
        for (size_t j = i + 1; j < p->nsetup; j++)
            covered |= strcmp(p->setup[j].dst, p->setup[i].dst) == 0;
        if (covered)
            continue;
        int fd cleanup_fd = cv_open_in_root(rootfd, p->setup[i].dst, 0, f, CV_STEP_ROOT_READONLY);
        if (fd < 0)
            return -1;
        if (root_setattr(fd, MOUNT_ATTR_RDONLY, 0, p->setup[i].dst, "read-only part of the root", f) != 0)
            return -1;
    }
    return 0;
}

/* The plan's setup operations in the root mounted on merged (then made read-only, when the plan
 * says so and the root had a writable layer on a tmpfs for their mount points). */
static int setup_in_root(const struct cv_plan *p, struct cv_fail *f)
{
    int rootfd cleanup_fd = CV_RETRY(open(p->merged, O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (rootfd < 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "open", errno, p->merged, NULL);
        return -1;
    }
    if (cv_mount_setup_ops(rootfd, p, f) != 0)
        return -1;
    return p->root_readonly && p->tmpfs_upper ? readonly_after_setup(rootfd, p, f) : 0;
}

/* root-readonly without a writable layer: nothing of the root is on disk but its lowers. A layered
 * root is an overlay of its lowers alone; a single rootfs a read-only, nodev clone of its mount
 * (seen through the id maps with idmap-lower), attached on merged, which is the rootfs itself (the
 * clone is taken before it covers it). Read-only before it is attached, so nothing ever writes to
 * the rootfs through it, and every mount point the setup operations need must be there already. */
static int mount_readonly_root(const struct cv_plan *p, struct cv_fail *f)
{
    if (p->nlowers > 0) {
        if (mount_layered_overlay(p, NULL, NULL, f) != 0)
            return -1;
    } else if (p->idmap_lower) {
        if (cv_idmap_lower(p, f) != 0)
            return -1;
    } else {
        int tree cleanup_fd = (int)syscall(SYS_open_tree, AT_FDCWD, p->rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0) {
            cv_fail_set(f, CV_STEP_ROOT_READONLY, "open_tree", errno, p->rootfs, "clone of the rootfs");
            return -1;
        }
        if (root_setattr(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV, MS_PRIVATE, p->rootfs, "read-only, nodev", f) != 0)
            return -1;
        if (syscall(SYS_move_mount, tree, "", AT_FDCWD, p->merged, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
            cv_fail_set(f, CV_STEP_ROOT_READONLY, "move_mount", errno, p->merged, "read-only rootfs");
            return -1;
        }
    }
    return setup_in_root(p, f);
}

int cv_mount_rootfs(const struct cv_plan *p, struct cv_fail *f)
{
    /* Our copy of the host's mounts must never propagate back (or receive) anything. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        cv_fail_set(f, CV_STEP_MOUNT_PRIVATE, "mount", errno, "/", NULL);
        return -1;
    }
    if (cv_plan_has_userns(p) && cv_idmap_prepare(p, f) != 0)
        return -1;
    if (cv_check_dir(p->rootfs, CV_STEP_OVERLAY, f) || cv_check_dir(p->merged, CV_STEP_OVERLAY, f) ||
        overlay_safe(p->rootfs, f))
        return -1;
    if (p->root_readonly && !p->tmpfs_upper)
        return mount_readonly_root(p, f);

    char upper[CV_PATH_MAX], work[CV_PATH_MAX];
    if (p->tmpfs_upper) {
        if (cv_check_dir(p->tmpfs_upper, CV_STEP_TMPFS_UPPER, f) || overlay_safe(p->tmpfs_upper, f))
            return -1;
        char data[64];
        if (p->tmpfs_upper_size)
            snprintf(data, sizeof data, "mode=0700,size=%llu", (unsigned long long)p->tmpfs_upper_size);
        else
            snprintf(data, sizeof data, "mode=0700");
        if (mount("tmpfs", p->tmpfs_upper, "tmpfs", MS_NOSUID | MS_NODEV, data) != 0) {
            cv_fail_set(f, CV_STEP_TMPFS_UPPER, "mount", errno, p->tmpfs_upper, "%s", data);
            return -1;
        }
        snprintf(upper, sizeof upper, "%s/upper", p->tmpfs_upper);
        snprintf(work, sizeof work, "%s/work", p->tmpfs_upper);
        if (mkdir(upper, 0755) != 0) {
            cv_fail_set(f, CV_STEP_TMPFS_UPPER, "mkdir", errno, upper, NULL);
            return -1;
        }
        if (mkdir(work, 0700) != 0) {
            cv_fail_set(f, CV_STEP_TMPFS_UPPER, "mkdir", errno, work, NULL);
            return -1;
        }
    } else {
        snprintf(upper, sizeof upper, "%s", p->upper);
        snprintf(work, sizeof work, "%s", p->work);
        if (cv_check_dir(upper, CV_STEP_OVERLAY, f) || cv_check_dir(work, CV_STEP_OVERLAY, f) || overlay_safe(upper, f) ||
            overlay_safe(work, f))
            return -1;
    }
    /* The overlay is given its directories as /proc/self/fd/N: mountinfo shows the options as
     * given, and the container's /proc/self/mountinfo must name nothing of the host. */
    char upper_fd[32], work_fd[32];
    int ufd cleanup_fd = open_fd_path(upper, upper_fd, sizeof upper_fd, f);
    int wfd cleanup_fd = ufd < 0 ? -1 : open_fd_path(work, work_fd, sizeof work_fd, f);
    if (wfd < 0)
        return -1;
    if (p->nlowers > 0) {
        if (mount_layered_overlay(p, upper_fd, work_fd, f) != 0)
            return -1;
    } else {
        /* With idmap-lower the lower dir is the rootfs seen through the id maps, attached on merged
         * (the overlay then goes on top of it, in the same place). */
        if (p->idmap_lower && cv_idmap_lower(p, f) != 0)
            return -1;
        char lower_fd[32];
        int lfd cleanup_fd = open_fd_path(p->idmap_lower ? p->merged : p->rootfs, lower_fd, sizeof lower_fd, f);
        if (lfd < 0)
            return -1;
        char data[3 * CV_PATH_MAX + 64];
        /* userxattr: the only way overlayfs mounts inside a user namespace (rootless). */
        snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s%s%s", lower_fd, upper_fd, work_fd,
                 p->overlay_userxattr ? ",userxattr" : "", volatile_option(p));
        if (mount("overlay", p->merged, "overlay", MS_NODEV, data) != 0) {
            cv_fail_set(f, CV_STEP_OVERLAY, "mount", errno, p->merged, "lowerdir=%s,upperdir=%s,workdir=%s%s%s", p->rootfs,
                        upper, work, p->overlay_userxattr ? ",userxattr" : "", volatile_option(p));
            return -1;
        }
    }

    return setup_in_root(p, f);
}

int cv_mount_pivot(const struct cv_plan *p, struct cv_fail *f)
{
    if (chdir(p->merged) != 0) {
        cv_fail_set(f, CV_STEP_PIVOT_ROOT, "chdir", errno, p->merged, NULL);
        return -1;
    }
    /* pivot_root(".", ".") stacks the old root on top of the new one; detaching "."
     * (cv_mount_detach_old_root) then removes the old root, so no host path stays reachable. */
    if (syscall(SYS_pivot_root, ".", ".") != 0) {
        cv_fail_set(f, CV_STEP_PIVOT_ROOT, "pivot_root", errno, p->merged, NULL);
        return -1;
    }
    return 0;
}

int cv_mount_detach_old_root(struct cv_fail *f)
{
    if (umount2(".", MNT_DETACH) != 0) {
        cv_fail_set(f, CV_STEP_UMOUNT_OLD_ROOT, "umount2", errno, "/", NULL);
        return -1;
    }
    if (chdir("/") != 0) {
        cv_fail_set(f, CV_STEP_CHDIR, "chdir", errno, "/", NULL);
        return -1;
    }
    return 0;
}
