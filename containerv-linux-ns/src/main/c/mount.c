/*
 * mount.c - filesystem setup of the init, in its private mount namespace: overlay (lower =
 * base rootfs, never written), the plan's binds/tmpfs in order, standard mounts, minimal
 * /dev, then pivot_root and detaching the old root so no host path stays reachable.
 * Container paths are resolved with openat2(RESOLVE_IN_ROOT), so a symlink in the image
 * can never make a mount point or directory appear on the host.
 *
 * Never: decides what to mount (the plan does), follows image symlinks out of the root,
 * or leaves a mount visible in the host's namespace (propagation is private first).
 */
#include "mount.h"
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
#include <sys/sysmacros.h>

static int openat2_in_root(int rootfd, const char *rel, int flags)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)CV_RETRY(syscall(SYS_openat2, rootfd, rel, &how, sizeof how));
}

int cv_open_in_root(int rootfd, const char *path, int create, struct cv_fail *f, const char *step)
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
                cv_fail_set(f, "mountpoint", last && create == 2 ? "openat" : "mkdirat", e2, path,
                            "creating '%s'", rel);
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

static void fdpath(char *buf, size_t n, int fd)
{
    snprintf(buf, n, "/proc/self/fd/%d", fd);
}

static int check_dir(const char *path, const char *step, struct cv_fail *f)
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
        cv_fail_set(f, "overlay", "", EINVAL, path, "overlay paths must not contain ',', ':' or '\\'");
        return -1;
    }
    return 0;
}

static int bind_readonly(int rootfd, const char *dst, struct cv_fail *f)
{
    /* Re-open after mounting so the fd refers to the new mount, not the dir below it. */
    int fd cleanup_fd = cv_open_in_root(rootfd, dst, 0, f, "bind-remount-ro");
    if (fd < 0)
        return -1;
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_RDONLY;
    /* Recursive: submounts of a recursive bind become read-only too. */
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) == 0)
        return 0;
    if (errno != ENOSYS) {
        cv_fail_set(f, "bind-remount-ro", "mount_setattr", errno, dst, NULL);
        return -1;
    }
    /* Old kernel: remount the top mount, keeping the flags a remount must not drop. */
    char tp[64];
    fdpath(tp, sizeof tp, fd);
    struct statvfs sv;
    unsigned long keep = 0;
    if (statvfs(tp, &sv) == 0) {
        if (sv.f_flag & ST_NOSUID)
            keep |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV)
            keep |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC)
            keep |= MS_NOEXEC;
    }
    if (mount(NULL, tp, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) != 0) {
        cv_fail_set(f, "bind-remount-ro", "mount", errno, dst, NULL);
        return -1;
    }
    return 0;
}

static int mount_at(int rootfd, const char *dst, int create, const char *src, const char *type,
                    unsigned long flags, const char *data, const char *step, struct cv_fail *f)
{
    int fd cleanup_fd = cv_open_in_root(rootfd, dst, create, f, step);
    if (fd < 0)
        return -1;
    char tp[64];
    fdpath(tp, sizeof tp, fd);
    if (mount(src, tp, type, flags, data) != 0) {
        cv_fail_set(f, step, "mount", errno, dst, "%s%s%s", type ? type : "bind",
                    data ? " " : "", data ? data : "");
        return -1;
    }
    return 0;
}

static int plan_mounts(int rootfd, const struct cv_plan *p, struct cv_fail *f)
{
    for (size_t i = 0; i < p->nmounts; i++) {
        const struct cv_mount_op *m = &p->mounts[i];
        if (m->kind == CV_MOUNT_BIND) {
            struct stat st;
            if (stat(m->src, &st) != 0) {
                cv_fail_set(f, "bind", "stat", errno, m->src, "bind source");
                return -1;
            }
            if (mount_at(rootfd, m->dst, S_ISDIR(st.st_mode) ? 1 : 2, m->src, NULL, MS_BIND | MS_REC,
                         NULL, "bind", f) != 0) {
                /* Report the host source too: which of the two failed matters. */
                size_t dl = strlen(f->detail);
                snprintf(f->detail + dl, sizeof f->detail - dl, " (source %s)", m->src);
                return -1;
            }
            if (m->readonly && bind_readonly(rootfd, m->dst, f) != 0)
                return -1;
        } else {
            char data[96];
            if (m->size)
                snprintf(data, sizeof data, "mode=%04o,size=%llu", m->mode, (unsigned long long)m->size);
            else
                snprintf(data, sizeof data, "mode=%04o", m->mode);
            if (mount_at(rootfd, m->dst, 1, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, data, "tmpfs", f) != 0)
                return -1;
        }
    }
    return 0;
}

static int make_dev(int rootfd, struct cv_fail *f)
{
    if (mount_at(rootfd, "/dev", 1, "tmpfs", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=65536",
                 "dev", f) != 0)
        return -1;
    int dev cleanup_fd = cv_open_in_root(rootfd, "/dev", 0, f, "dev");
    if (dev < 0)
        return -1;
    static const struct {
        const char *name;
        unsigned maj, min;
    } nodes[] = {
        { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
        { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
    };
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        if (mknodat(dev, nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) != 0 ||
            fchmodat(dev, nodes[i].name, 0666, 0) != 0) {
            char path[64];
            snprintf(path, sizeof path, "/dev/%s", nodes[i].name);
            cv_fail_set(f, "mknod", "mknodat", errno, path, NULL);
            return -1;
        }
    }
    static const struct {
        const char *name, *target;
    } links[] = {
        { "ptmx", "pts/ptmx" }, { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
        { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        if (symlinkat(links[i].target, dev, links[i].name) != 0) {
            char path[64];
            snprintf(path, sizeof path, "/dev/%s", links[i].name);
            cv_fail_set(f, "symlink", "symlinkat", errno, path, NULL);
            return -1;
        }
    }
    if (mount_at(rootfd, "/dev/pts", 1, "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                 "newinstance,ptmxmode=0666,mode=0620", "devpts", f) != 0)
        return -1;
    if (mount_at(rootfd, "/dev/shm", 1, "shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", "shm", f) != 0)
        return -1;
    if (mount_at(rootfd, "/dev/mqueue", 1, "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                 "mqueue", f) != 0)
        return -1;
    return 0;
}

int cv_mount_rootfs(const struct cv_plan *p, struct cv_fail *f)
{
    /* Our copy of the host's mounts must never propagate back (or receive) anything. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        cv_fail_set(f, "mount-private", "mount", errno, "/", NULL);
        return -1;
    }
    if (check_dir(p->rootfs, "overlay", f) || check_dir(p->merged, "overlay", f) ||
        overlay_safe(p->rootfs, f))
        return -1;

    char upper[CV_PATH_MAX], work[CV_PATH_MAX];
    if (p->tmpfs_upper) {
        if (check_dir(p->tmpfs_upper, "tmpfs-upper", f) || overlay_safe(p->tmpfs_upper, f))
            return -1;
        char data[64];
        if (p->tmpfs_upper_size)
            snprintf(data, sizeof data, "mode=0700,size=%llu", (unsigned long long)p->tmpfs_upper_size);
        else
            snprintf(data, sizeof data, "mode=0700");
        if (mount("tmpfs", p->tmpfs_upper, "tmpfs", MS_NOSUID | MS_NODEV, data) != 0) {
            cv_fail_set(f, "tmpfs-upper", "mount", errno, p->tmpfs_upper, "%s", data);
            return -1;
        }
        snprintf(upper, sizeof upper, "%s/upper", p->tmpfs_upper);
        snprintf(work, sizeof work, "%s/work", p->tmpfs_upper);
        if (mkdir(upper, 0755) != 0) {
            cv_fail_set(f, "tmpfs-upper", "mkdir", errno, upper, NULL);
            return -1;
        }
        if (mkdir(work, 0700) != 0) {
            cv_fail_set(f, "tmpfs-upper", "mkdir", errno, work, NULL);
            return -1;
        }
    } else {
        snprintf(upper, sizeof upper, "%s", p->upper);
        snprintf(work, sizeof work, "%s", p->work);
        if (check_dir(upper, "overlay", f) || check_dir(work, "overlay", f) || overlay_safe(upper, f) ||
            overlay_safe(work, f))
            return -1;
    }
    char data[3 * CV_PATH_MAX + 64];
    snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s", p->rootfs, upper, work);
    if (strlen(data) >= 4095) {
        cv_fail_set(f, "overlay", "", ENAMETOOLONG, p->merged, "overlay options longer than a page");
        return -1;
    }
    if (mount("overlay", p->merged, "overlay", 0, data) != 0) {
        cv_fail_set(f, "overlay", "mount", errno, p->merged, "%s", data);
        return -1;
    }

    int rootfd cleanup_fd = CV_RETRY(open(p->merged, O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (rootfd < 0) {
        cv_fail_set(f, "overlay", "open", errno, p->merged, NULL);
        return -1;
    }
    /* The standard mounts first, the plan's after: a layer under /dev, /proc or /sys (a tmpfs
     * at /dev/shm, say) then sits on top of them instead of being hidden beneath. */
    if (mount_at(rootfd, "/proc", 1, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, "proc", f) != 0)
        return -1;
    if (mount_at(rootfd, "/sys", 1, "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                 "sys", f) != 0)
        return -1;
    if (make_dev(rootfd, f) != 0)
        return -1;
    return plan_mounts(rootfd, p, f);
}

int cv_mount_pivot(const struct cv_plan *p, struct cv_fail *f)
{
    if (chdir(p->merged) != 0) {
        cv_fail_set(f, "pivot-root", "chdir", errno, p->merged, NULL);
        return -1;
    }
    /* pivot_root(".", ".") stacks the old root on top of the new one; detaching "."
     * then removes the old root, so no host path stays reachable. */
    if (syscall(SYS_pivot_root, ".", ".") != 0) {
        cv_fail_set(f, "pivot-root", "pivot_root", errno, p->merged, NULL);
        return -1;
    }
    if (umount2(".", MNT_DETACH) != 0) {
        cv_fail_set(f, "umount-old-root", "umount2", errno, "/", NULL);
        return -1;
    }
    if (chdir("/") != 0) {
        cv_fail_set(f, "chdir", "chdir", errno, "/", NULL);
        return -1;
    }
    return 0;
}
