/*
 * mount_dev.c - the setup operations that make things rather than mount a file system: device
 * nodes and symbolic links in the container's /dev, host device nodes bound in (rootless), masks
 * over paths the container must not see, and read-only binds of a path onto itself.
 *
 * Never: creates a device node the plan does not list, or follows a link out of the root (every
 * path goes through cv_open_in_root).
 */
#include "mount.h"
#include "mount_ops.h"
#include "util.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

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
int cv_mount_device(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
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
int cv_mount_symlink(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
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

/* Hides a path of the container: a file gets the container's /dev/null bound over it, a
 * directory an empty read-only tmpfs. A path that does not exist needs no hiding. */
int cv_mount_mask(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
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
    cv_fdpath(tp, sizeof tp, fd);
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
    cv_fdpath(np, sizeof np, null);
    if (mount(np, tp, NULL, MS_BIND, NULL) != 0) {
        cv_fail_set(f, CV_STEP_MASK, "mount", errno, m->dst, "bind of /dev/null");
        return -1;
    }
    return 0;
}

/* A host device node (/dev/null, ...) bound into the container's /dev, nosuid and noexec but
 * not nodev: in a user namespace mknod is refused, and a node on a file system mounted there
 * does not open, so a rootless container gets the host's nodes as bubblewrap gives them. */
int cv_mount_dev_bind(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
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
    if (cv_mount_at(rootfd, m->dst, 2, m->src, NULL, MS_BIND, NULL, CV_STEP_MKNOD, f) != 0)
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

/* Makes a path of the container read-only (and nosuid, nodev, noexec) by binding it onto
 * itself; a path that does not exist is skipped. */
int cv_mount_readonly_path(int rootfd, const struct cv_setup_op *m, struct cv_fail *f)
{
    int fd cleanup_fd = cv_open_in_root(rootfd, m->dst, 0, f, CV_STEP_READONLY_PATH);
    if (fd < 0)
        return f->err == ENOENT ? 0 : -1;
    char tp[64];
    cv_fdpath(tp, sizeof tp, fd);
    if (mount(tp, tp, NULL, MS_BIND | MS_REC, NULL) != 0) {
        cv_fail_set(f, CV_STEP_READONLY_PATH, "mount", errno, m->dst, "bind onto itself");
        return -1;
    }
    /* noexec as well: nothing under /proc/sys and friends is a program. */
    return cv_bind_attrs(rootfd, m->dst, 1, 1, CV_STEP_READONLY_PATH, f);
}
