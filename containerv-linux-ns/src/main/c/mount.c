/*
 * mount.c - the init's setup operations, in its private mount namespace, in plan order (binds,
 * tmpfs, /proc, /sys, a /dev tmpfs with the device nodes and links Java lists, devpts, mqueue,
 * masks; mount_dev.c makes the nodes, links and masks, mount_root.c the root they go in), and the
 * resolution of container paths they all use. Container paths are resolved with
 * openat2(RESOLVE_IN_ROOT), so a symlink in the image can never make a mount point or directory
 * appear on the host.
 *
 * Never: decides what to mount or which devices exist (the plan does), follows image symlinks out of the root,
 * or leaves a mount visible in the host's namespace (propagation is private first).
 */
#include "mount.h"
#include "mount_ops.h"
#include "idmap.h"
#include "mountpoints.h"
#include "util.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

static int openat2_in_root(int rootfd, const char *rel, int flags)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)CV_RETRY(syscall(SYS_openat2, rootfd, rel, &how, sizeof how));
}

int cv_open_in_root(int rootfd, const char *path, int create, struct cv_fail *f, enum cv_step step)
{
    char rel[CV_PATH_MAX];
    size_t rl = 0;
    int parent = rootfd;
    int cur = -1;
    const char *p = path;

    rel[0] = '\0';
    while (*p == '/')
        p++;
    if (*p == '\0') {
        cur = CV_RETRY(openat(rootfd, ".", O_PATH | O_CLOEXEC));
        if (cur < 0)
            cv_fail_set(f, step, "openat", errno, path, NULL);
        return cur;
    }
    while (*p) {
        const char *e = strchr(p, '/');
        size_t cl = e ? (size_t)(e - p) : strlen(p);
        int last = 1;
        for (const char *q = p + cl; *q; q++)
            if (*q != '/') {
                last = 0;
                break;
            }
        char comp[256];
        if (cl == 0 || cl >= sizeof comp || rl + cl + 2 >= sizeof rel) {
            if (parent != rootfd)
                close(parent);
            cv_fail_set(f, step, "", ENAMETOOLONG, path, "path component too long");
            return -1;
        }
        memcpy(comp, p, cl);
        comp[cl] = '\0';
        if (strcmp(comp, "..") == 0) {
            if (parent != rootfd)
                close(parent);
            cv_fail_set(f, step, "", EINVAL, path, "'..' is not allowed in container paths");
            return -1;
        }
        if (rl)
            rel[rl++] = '/';
        memcpy(rel + rl, comp, cl + 1);
        rl += cl;

        cur = openat2_in_root(rootfd, rel, O_PATH);
        if (cur < 0 && errno == ENOENT && create) {
            int r;
            if (last && create == 2) {
                r = CV_RETRY(openat(parent, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
                if (r >= 0)
                    close(r);
            } else {
                r = mkdirat(parent, comp, 0755);
            }
            if (r < 0 && errno != EEXIST) {
                int e2 = errno;
                if (parent != rootfd)
                    close(parent);
                /* Only a read-only root refuses one here (mount points below read-only binds are made
                 * before those are made read-only: mountpoints.c). */
                cv_fail_set(f, CV_STEP_MOUNTPOINT, last && create == 2 ? "openat" : "mkdirat", e2, path,
                            e2 == EROFS ? "creating '%s': a read-only root must already hold every mount point" : "creating '%s'",
                            rel);
                return -1;
            }
            cur = openat2_in_root(rootfd, rel, O_PATH);
        }
        if (cur < 0) {
            int e2 = errno;
            if (parent != rootfd)
                close(parent);
            cv_fail_set(f, step, "openat2", e2, path, "resolving '%s' in the container root", rel);
            return -1;
        }
        if (parent != rootfd)
            close(parent);
        parent = cur;
        p += cl;
        while (*p == '/')
            p++;
    }
    return cur;
}

void cv_fdpath(char *buf, size_t n, int fd)
{
    snprintf(buf, n, "/proc/self/fd/%d", fd);
}

/* Sets attributes on the mount at dst (and, recursively, its submounts): always nosuid and
 * nodev (a device node or setuid file in a host directory must not work inside, and one made
 * inside must not work on the host through the same bind), read-only when asked. */
int cv_bind_attrs(int rootfd, const char *dst, int readonly, int noexec, enum cv_step step, struct cv_fail *f)
{
    /* Re-open after mounting so the fd refers to the new mount, not the dir below it. */
    int fd cleanup_fd = cv_open_in_root(rootfd, dst, 0, f, step);
    if (fd < 0)
        return -1;
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (readonly ? MOUNT_ATTR_RDONLY : 0) |
                    (noexec ? MOUNT_ATTR_NOEXEC : 0);
    /* Recursive: submounts of a recursive bind get the same attributes. */
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) == 0)
        return 0;
    if (errno != ENOSYS) {
        cv_fail_set(f, step, "mount_setattr", errno, dst, NULL);
        return -1;
    }
    /* Old kernel: remount the top mount, keeping the flags a remount must not drop. */
    char tp[64];
    cv_fdpath(tp, sizeof tp, fd);
    struct statvfs sv;
    unsigned long keep = MS_NOSUID | MS_NODEV | (readonly ? MS_RDONLY : 0) | (noexec ? MS_NOEXEC : 0);
    if (statvfs(tp, &sv) == 0) {
        if (sv.f_flag & ST_NOEXEC)
            keep |= MS_NOEXEC;
        if (sv.f_flag & ST_RDONLY)
            keep |= MS_RDONLY;
    }
    if (mount(NULL, tp, NULL, MS_BIND | MS_REMOUNT | keep, NULL) != 0) {
        cv_fail_set(f, step, "mount", errno, dst, NULL);
        return -1;
    }
    return 0;
}

int cv_mount_at(int rootfd, const char *dst, int create, const char *src, const char *type,
                    unsigned long flags, const char *data, enum cv_step step, struct cv_fail *f)
{
    int fd cleanup_fd = cv_open_in_root(rootfd, dst, create, f, step);
    if (fd < 0)
        return -1;
    char tp[64];
    cv_fdpath(tp, sizeof tp, fd);
    if (mount(src, tp, type, flags, data) != 0) {
        cv_fail_set(f, step, "mount", errno, dst, "%s%s%s", type ? type : "bind",
                    data ? " " : "", data ? data : "");
        return -1;
    }
    return 0;
}

static int bind_op(int rootfd, const struct cv_plan *p, size_t i, struct cv_fail *f)
{
    const struct cv_setup_op *m = &p->setup[i];
    struct stat st;
    if (stat(m->src, &st) != 0) {
        cv_fail_set(f, CV_STEP_BIND, "stat", errno, m->src, "bind source");
        return -1;
    }
    if (cv_mount_at(rootfd, m->dst, S_ISDIR(st.st_mode) ? 1 : 2, m->src, NULL, MS_BIND | MS_REC, NULL, CV_STEP_BIND,
                 f) != 0) {
        /* Report the host source too: which of the two failed matters. */
        size_t dl = strlen(f->detail);
        snprintf(f->detail + dl, sizeof f->detail - dl, " (source %s)", m->src);
        return -1;
    }
    /* Later mounts below a read-only bind need their mount points made while it is writable. */
    if (m->readonly && cv_mountpoints_before_readonly(rootfd, p, i, f) != 0)
        return -1;
    return cv_bind_attrs(rootfd, m->dst, m->readonly, 0, CV_STEP_BIND_REMOUNT_RO, f);
}

/* The plan's setup operations, in plan order (Java puts /proc, /sys and /dev first, so a layer
 * under them sits on top instead of being hidden beneath). */
int cv_mount_setup_ops(int rootfd, const struct cv_plan *p, struct cv_fail *f)
{
    for (size_t i = 0; i < p->nsetup; i++) {
        const struct cv_setup_op *m = &p->setup[i];
        char data[96];
        int r;
        switch (m->kind) {
        case CV_SETUP_BIND:
            r = bind_op(rootfd, p, i, f);
            break;
        case CV_SETUP_TMPFS:
            if (m->size)
                snprintf(data, sizeof data, "mode=%04o,size=%llu", m->mode, (unsigned long long)m->size);
            else
                snprintf(data, sizeof data, "mode=%04o", m->mode);
            r = cv_mount_at(rootfd, m->dst, 1, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, data, CV_STEP_TMPFS, f);
            break;
        case CV_SETUP_PROC:
            /* Mounted by PID 1 of the new pid namespace, so it shows the container's pids. */
            r = cv_mount_at(rootfd, m->dst, 1, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, CV_STEP_PROC, f);
            break;
        case CV_SETUP_SYSFS:
            r = cv_mount_at(rootfd, m->dst, 1, "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                         CV_STEP_SYS, f);
            break;
        case CV_SETUP_DEV:
            r = cv_mount_at(rootfd, m->dst, 1, "tmpfs", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=65536",
                         CV_STEP_DEV, f);
            break;
        case CV_SETUP_DEVICE:
            r = cv_mount_device(rootfd, m, f);
            break;
        case CV_SETUP_SYMLINK:
            r = cv_mount_symlink(rootfd, m, f);
            break;
        case CV_SETUP_DEVPTS:
            r = cv_mount_at(rootfd, m->dst, 1, "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                         "newinstance,ptmxmode=0666,mode=0620", CV_STEP_DEVPTS, f);
            break;
        case CV_SETUP_MQUEUE:
            r = cv_mount_at(rootfd, m->dst, 1, "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                         CV_STEP_MQUEUE, f);
            break;
        case CV_SETUP_MASK:
            r = cv_mount_mask(rootfd, m, f);
            break;
        case CV_SETUP_READONLY:
            r = cv_mount_readonly_path(rootfd, m, f);
            break;
        case CV_SETUP_DEV_BIND:
            r = cv_mount_dev_bind(rootfd, m, f);
            break;
        case CV_SETUP_OVERLAY_DIR:
            r = cv_mount_overlay_dir(rootfd, p, m, f);
            break;
        case CV_SETUP_BIND_IDMAP:
            r = cv_idmap_bind(rootfd, p, i, f);
            break;
        default:
            cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, m->dst, "unknown setup operation %d", (int)m->kind);
            r = -1;
            break;
        }
        if (r != 0)
            return -1;
    }
    return 0;
}
