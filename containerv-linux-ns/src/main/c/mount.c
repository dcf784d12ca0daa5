/*
 * mount.c - filesystem setup of the init, in its private mount namespace: overlay (lower =
 * the plan's lower layers, top first, over the base rootfs; never written), then the plan's setup operations in plan order (binds, tmpfs,
 * /proc, /sys, a /dev tmpfs with the device nodes and links Java lists, devpts, mqueue), then
 * pivot_root and detaching the old root so no host path stays reachable.
 * Container paths are resolved with openat2(RESOLVE_IN_ROOT), so a symlink in the image
 * can never make a mount point or directory appear on the host.
 *
 * Never: decides what to mount or which devices exist (the plan does), follows image symlinks out of the root,
 * or leaves a mount visible in the host's namespace (propagation is private first).
 */
#include "mount.h"
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
#include <sys/sysmacros.h>

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
                cv_fail_set(f, CV_STEP_MOUNTPOINT, last && create == 2 ? "openat" : "mkdirat", e2, path,
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

static int check_dir(const char *path, enum cv_step step, struct cv_fail *f)
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

/* Sets attributes on the mount at dst (and, recursively, its submounts): always nosuid and
 * nodev (a device node or setuid file in a host directory must not work inside, and one made
 * inside must not work on the host through the same bind), read-only when asked. */
static int bind_attrs(int rootfd, const char *dst, int readonly, int noexec, enum cv_step step, struct cv_fail *f)
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
    fdpath(tp, sizeof tp, fd);
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

static int mount_at(int rootfd, const char *dst, int create, const char *src, const char *type,
                    unsigned long flags, const char *data, enum cv_step step, struct cv_fail *f)
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

/* Opens (O_PATH, created if missing) the parent of a container path and puts its last
 * component (not "." or "..") into name; the fd the *at calls below create in. */
static int open_parent(int rootfd, const char *path, char *name, size_t nn, enum cv_step step, struct cv_fail *f)
{
    char parent[CV_PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *last = slash ? slash + 1 : path;
    if (*last == '\0' || strcmp(last, ".") == 0 || strcmp(last, "..") == 0 || strlen(last) >= nn ||
        (size_t)(last - path) >= sizeof parent) {
        cv_fail_set(f, step, "", EINVAL, path, "needs a last path component");
        return -1;
    }
    snprintf(parent, sizeof parent, "%.*s", (int)(last - path), path);
    snprintf(name, nn, "%s", last);
    return cv_open_in_root(rootfd, parent[0] ? parent : "/", 1, f, step);
}

/* A character device (mode 0666) at a container path. */
static int make_device(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
{
    char name[256];
    int dir cleanup_fd = open_parent(rootfd, m->dst, name, sizeof name, CV_STEP_MKNOD, f);
    if (dir < 0)
        return -1;
    if (mknodat(dir, name, S_IFCHR | 0666, makedev(m->major, m->minor)) != 0 || fchmodat(dir, name, 0666, 0) != 0) {
        cv_fail_set(f, CV_STEP_MKNOD, "mknodat", errno, m->dst, "%u:%u", m->major, m->minor);
        return -1;
    }
    return 0;
}

/* A symbolic link with the plan's text at a container path. */
static int make_symlink(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
{
    char name[256];
    int dir cleanup_fd = open_parent(rootfd, m->dst, name, sizeof name, CV_STEP_SYMLINK, f);
    if (dir < 0 || symlinkat(m->src, dir, name) != 0) {
        if (dir >= 0)
            cv_fail_set(f, CV_STEP_SYMLINK, "symlinkat", errno, m->dst, "-> %s", m->src);
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
    if (mount_at(rootfd, m->dst, S_ISDIR(st.st_mode) ? 1 : 2, m->src, NULL, MS_BIND | MS_REC, NULL, CV_STEP_BIND,
                 f) != 0) {
        /* Report the host source too: which of the two failed matters. */
        size_t dl = strlen(f->detail);
        snprintf(f->detail + dl, sizeof f->detail - dl, " (source %s)", m->src);
        return -1;
    }
    /* Later mounts below a read-only bind need their mount points made while it is writable. */
    if (m->readonly && cv_mountpoints_before_readonly(rootfd, p, i, f) != 0)
        return -1;
    return bind_attrs(rootfd, m->dst, m->readonly, 0, CV_STEP_BIND_REMOUNT_RO, f);
}

/* Hides a path of the container: a file gets the container's /dev/null bound over it, a
 * directory an empty read-only tmpfs. A path that does not exist needs no hiding. */
static int mask_op(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
{
    int fd cleanup_fd = cv_open_in_root(rootfd, m->dst, 0, f, CV_STEP_MASK);
    if (fd < 0)
        return f->err == ENOENT ? 0 : -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cv_fail_set(f, CV_STEP_MASK, "fstat", errno, m->dst, NULL);
        return -1;
    }
    char tp[64];
    fdpath(tp, sizeof tp, fd);
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", tp, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0755") != 0) {
            cv_fail_set(f, CV_STEP_MASK, "mount", errno, m->dst, "tmpfs");
            return -1;
        }
        return 0;
    }
    int null cleanup_fd = cv_open_in_root(rootfd, "/dev/null", 0, f, CV_STEP_MASK);
    if (null < 0)
        return -1;
    char np[64];
    fdpath(np, sizeof np, null);
    if (mount(np, tp, NULL, MS_BIND, NULL) != 0) {
        cv_fail_set(f, CV_STEP_MASK, "mount", errno, m->dst, "bind of /dev/null");
        return -1;
    }
    return 0;
}

/* A host device node (/dev/null, ...) bound into the container's /dev, nosuid and noexec but
 * not nodev: in a user namespace mknod is refused, and a node on a file system mounted there
 * does not open, so a rootless container gets the host's nodes as bubblewrap gives them. */
static int devbind_op(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
{
    struct stat st;
    if (stat(m->src, &st) != 0) {
        cv_fail_set(f, CV_STEP_MKNOD, "stat", errno, m->src, "a host device to bind");
        return -1;
    }
    if (!S_ISCHR(st.st_mode)) {
        cv_fail_set(f, CV_STEP_MKNOD, "stat", ENODEV, m->src, "not a character device");
        return -1;
    }
    if (mount_at(rootfd, m->dst, 2, m->src, NULL, MS_BIND, NULL, CV_STEP_MKNOD, f) != 0)
        return -1;
    int fd cleanup_fd = cv_open_in_root(rootfd, m->dst, 0, f, CV_STEP_MKNOD);
    if (fd < 0)
        return -1;
    /* mount_setattr only adds flags, so the host mount's locked ones stay as they are. */
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
        cv_fail_set(f, CV_STEP_MKNOD, "mount_setattr", errno, m->dst, "nosuid,noexec");
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
static int overlay_dir_op(int rootfd, const struct cv_plan *p, const struct cv_setup_op *m, struct cv_fail *f)
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
    return mount_at(rootfd, m->dst, 1, "overlay", "overlay", MS_NODEV, data, CV_STEP_OVERLAY, f);
}

/* Makes a path of the container read-only (and nosuid, nodev, noexec) by binding it onto
 * itself; a path that does not exist is skipped. */
static int readonly_op(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
{
    int fd cleanup_fd = cv_open_in_root(rootfd, m->dst, 0, f, CV_STEP_READONLY_PATH);
    if (fd < 0)
        return f->err == ENOENT ? 0 : -1;
    char tp[64];
    fdpath(tp, sizeof tp, fd);
    if (mount(tp, tp, NULL, MS_BIND | MS_REC, NULL) != 0) {
        cv_fail_set(f, CV_STEP_READONLY_PATH, "mount", errno, m->dst, "bind onto itself");
        return -1;
    }
    /* noexec as well: nothing under /proc/sys and friends is a program. */
    return bind_attrs(rootfd, m->dst, 1, 1, CV_STEP_READONLY_PATH, f);
}

/* The plan's setup operations, in plan order (Java puts /proc, /sys and /dev first, so a layer
 * under them sits on top instead of being hidden beneath). */
static int setup_ops(int rootfd, const struct cv_plan *p, struct cv_fail *f)
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
            r = mount_at(rootfd, m->dst, 1, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, data, CV_STEP_TMPFS, f);
            break;
        case CV_SETUP_PROC:
            /* Mounted by PID 1 of the new pid namespace, so it shows the container's pids. */
            r = mount_at(rootfd, m->dst, 1, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, CV_STEP_PROC, f);
            break;
        case CV_SETUP_SYSFS:
            r = mount_at(rootfd, m->dst, 1, "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                         CV_STEP_SYS, f);
            break;
        case CV_SETUP_DEV:
            r = mount_at(rootfd, m->dst, 1, "tmpfs", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=65536",
                         CV_STEP_DEV, f);
            break;
        case CV_SETUP_DEVICE:
            r = make_device(rootfd, m, f);
            break;
        case CV_SETUP_SYMLINK:
            r = make_symlink(rootfd, m, f);
            break;
        case CV_SETUP_DEVPTS:
            r = mount_at(rootfd, m->dst, 1, "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                         "newinstance,ptmxmode=0666,mode=0620", CV_STEP_DEVPTS, f);
            break;
        case CV_SETUP_MQUEUE:
            r = mount_at(rootfd, m->dst, 1, "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
                         CV_STEP_MQUEUE, f);
            break;
        case CV_SETUP_MASK:
            r = mask_op(rootfd, m, f);
            break;
        case CV_SETUP_READONLY:
            r = readonly_op(rootfd, m, f);
            break;
        case CV_SETUP_DEV_BIND:
            r = devbind_op(rootfd, m, f);
            break;
        case CV_SETUP_OVERLAY_DIR:
            r = overlay_dir_op(rootfd, p, m, f);
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

/* Opens a host directory (O_PATH) and names it /proc/self/fd/<fd> in buf; -1 with f filled. */
static int open_fd_path(const char *dir, char *buf, size_t n, struct cv_fail *f)
{
    int fd = CV_RETRY(open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "open", errno, dir, NULL);
        return -1;
    }
    fdpath(buf, n, fd);
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
        r = append2(data, sizeof data, &len, p->rootfs, ",upperdir=");
    if (r == 0)
        r = append2(data, sizeof data, &len, upper, ",workdir=");
    if (r == 0)
        r = append2(data, sizeof data, &len, work, volatile_option(p));
    if (r != 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "", ENAMETOOLONG, p->merged,
                    "overlay options of %zu lower layers longer than a page, and this kernel has no fsconfig lowerdir+ "
                    "(Linux >= 6.8)", p->nlowers + 1);
        return -1;
    }
    if (mount("overlay", p->merged, "overlay", MS_NODEV, data) != 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "mount", errno, p->merged, "%s", data);
        return -1;
    }
    return 0;
}

/* The overlay of a layered root through the new mount API: every lower is its own fsconfig
 * "lowerdir+" call (Linux >= 6.8), so the stack is not bound by mount(2)'s page of options and
 * no path is parsed for ':' or ','. A kernel without fsopen (ENOSYS) or "lowerdir+" (EINVAL on
 * the first one, before anything else is set) gets the option string instead. */
static int mount_layered_overlay(const struct cv_plan *p, const char *upper, const char *work, struct cv_fail *f)
{
    for (size_t i = 0; i < p->nlowers; i++)
        if (check_dir(p->lowers[i], CV_STEP_OVERLAY, f) || overlay_safe(p->lowers[i], f))
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
    for (size_t i = 0; i < 2; i++) {
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, keys[i], vals[i], 0) != 0) {
            cv_fail_set(f, CV_STEP_OVERLAY, "fsconfig", errno, vals[i], "%s", keys[i]);
            fs_context_message(fs, f);
            return -1;
        }
    }
    if (p->overlay_volatile && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "volatile", NULL, 0) != 0) {
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
    int mnt cleanup_fd = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
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

int cv_mount_rootfs(const struct cv_plan *p, struct cv_fail *f)
{
    /* Our copy of the host's mounts must never propagate back (or receive) anything. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        cv_fail_set(f, CV_STEP_MOUNT_PRIVATE, "mount", errno, "/", NULL);
        return -1;
    }
    if (cv_plan_has_userns(p) && cv_idmap_prepare(p, f) != 0)
        return -1;
    if (check_dir(p->rootfs, CV_STEP_OVERLAY, f) || check_dir(p->merged, CV_STEP_OVERLAY, f) ||
        overlay_safe(p->rootfs, f))
        return -1;

    char upper[CV_PATH_MAX], work[CV_PATH_MAX];
    if (p->tmpfs_upper) {
        if (check_dir(p->tmpfs_upper, CV_STEP_TMPFS_UPPER, f) || overlay_safe(p->tmpfs_upper, f))
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
        if (check_dir(upper, CV_STEP_OVERLAY, f) || check_dir(work, CV_STEP_OVERLAY, f) || overlay_safe(upper, f) ||
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

    int rootfd cleanup_fd = CV_RETRY(open(p->merged, O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (rootfd < 0) {
        cv_fail_set(f, CV_STEP_OVERLAY, "open", errno, p->merged, NULL);
        return -1;
    }
    return setup_ops(rootfd, p, f);
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
