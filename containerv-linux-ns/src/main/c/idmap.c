/*
 * idmap.c - idmapped mounts (mount_setattr with MOUNT_ATTR_IDMAP, Linux 5.12; overlayfs
 * takes an idmapped lower layer since 5.19): open_tree(OPEN_TREE_CLONE) makes a detached copy
 * of a host mount, mount_setattr gives it the container's user namespace as its idmapping,
 * move_mount attaches it in the init's mount namespace. Run by the init while it is still
 * root of the host (CAP_SYS_ADMIN over the file system's namespace is required); the file
 * system must support idmapped mounts (ext4, xfs, btrfs, tmpfs since 6.3...), otherwise
 * mount_setattr fails with EINVAL and the create fails with the file system's magic named.
 *
 * Never: falls back to chowning, or makes a writable idmapped mount.
 */
#include "idmap.h"
#include "mountpoints.h"
#include "mount.h"
#include "userns.h"
#include "util.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

/* A detached clone of host_path whose files appear through the container's maps; read-only,
 * nodev, nosuid when asked, and private (a clone of a shared host mount would otherwise stay
 * its peer, and mounts made under it inside could reach the host). */
static int idmapped_clone(const char *host_path, const char *what, int recursive, int nosuid, struct cv_fail *f)
{
    unsigned rec = recursive ? AT_RECURSIVE : 0;
    int fd cleanup_fd = (int)syscall(SYS_open_tree, AT_FDCWD, host_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_IDMAP, "open_tree", errno, host_path, "for %s", what);
        return -1;
    }
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | (nosuid ? MOUNT_ATTR_NOSUID : 0);
    attr.userns_fd = (uint64_t)cv_userns_fd;
    attr.propagation = MS_PRIVATE;
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | rec, &attr, sizeof attr) != 0) {
        int e = errno;
        struct statfs sf;
        unsigned long magic = fstatfs(fd, &sf) == 0 ? (unsigned long)sf.f_type : 0;
        cv_fail_set(f, CV_STEP_IDMAP, "mount_setattr", e, host_path, "idmapped mount for %s, file system magic 0x%lx%s",
                    what, magic, recursive ? " (or of a mount below it)" : "");
        return -1;
    }
    return cv_steal_fd(&fd);
}

static int attach(int fd, const char *host_path, int target_fd, const char *what, struct cv_fail *f)
{
    if (syscall(SYS_move_mount, fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
        cv_fail_set(f, CV_STEP_IDMAP, "move_mount", errno, host_path, "onto %s", what);
        return -1;
    }
    cv_log("idmapped mount of %s on %s", host_path, what);
    return 0;
}

int cv_idmap_attach(const char *host_path, int target_fd, const char *what, int recursive, int nosuid,
                    struct cv_fail *f)
{
    int fd cleanup_fd = idmapped_clone(host_path, what, recursive, nosuid, f);
    return fd < 0 ? -1 : attach(fd, host_path, target_fd, what, f);
}

/* The clones of the plan's bind-idmap sources, made by cv_idmap_prepare, by setup op. */
static struct prepared {
    const struct cv_setup_op *op;
    int fd;
} *prepared;
static size_t nprepared;

int cv_idmap_prepare(const struct cv_plan *p, struct cv_fail *f)
{
    for (size_t i = 0; i < p->nsetup; i++) {
        const struct cv_setup_op *m = &p->setup[i];
        if (m->kind != CV_SETUP_BIND_IDMAP)
            continue;
        struct prepared *grown = realloc(prepared, (nprepared + 1) * sizeof *grown);
        if (!grown) {
            cv_fail_set(f, CV_STEP_IDMAP, "realloc", ENOMEM, m->src, NULL);
            return -1;
        }
        prepared = grown;
        int fd = idmapped_clone(m->src, m->dst, 1, 1, f);
        if (fd < 0)
            return -1;
        prepared[nprepared++] = (struct prepared){ m, fd };
    }
    return 0;
}

int cv_idmap_lower(const struct cv_plan *p, struct cv_fail *f)
{
    int target cleanup_fd = CV_RETRY(open(p->merged, O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (target < 0) {
        cv_fail_set(f, CV_STEP_IDMAP, "open", errno, p->merged, NULL);
        return -1;
    }
    return cv_idmap_attach(p->rootfs, target, p->merged, 0, 0, f);
}

int cv_idmap_bind(int rootfd, const struct cv_plan *p, size_t at, struct cv_fail *f)
{
    const struct cv_setup_op *m = &p->setup[at];
    /* Later mounts below this read-only clone need their mount points in its source, made as root
     * (as a plain bind's would be: owned by root on disk, the container's root through the maps). */
    if (cv_userns_setup_ids(p, 0, f) != 0)
        return -1;
    int made = cv_mountpoints_in_source(p, at, f);
    if (cv_userns_setup_ids(p, 1, f) != 0 || made != 0)
        return -1;
    int fd cleanup_fd = -1;
    for (size_t i = 0; i < nprepared; i++)
        if (prepared[i].op == m)
            fd = cv_steal_fd(&prepared[i].fd);
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_IDMAP, "", EBADF, m->src, "no clone prepared for %s", m->dst);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cv_fail_set(f, CV_STEP_IDMAP, "fstat", errno, m->src, "bind source");
        return -1;
    }
    int target cleanup_fd = cv_open_in_root(rootfd, m->dst, S_ISDIR(st.st_mode) ? 1 : 2, f, CV_STEP_IDMAP);
    if (target < 0)
        return -1;
    return attach(fd, m->src, target, m->dst, f);
}
