/*
 * mountpoints.c - mount points under a read-only mount. A read-only bind at /w followed by a
 * read-write bind at /w/out needs /w/out to exist before /w is made read-only: after that, the
 * mkdirat() fails with EROFS. So, just before a mount of the plan is made read-only, the mount
 * points of the later operations below it are created (as directories, or as an empty file for a
 * bind of a file), in it. For a bind this writes into the host directory: an empty directory
 * or file appears there and stays, as it would for a read-write bind. Chains work the same way one
 * level at a time: /a read-only, /a/b read-only, /a/b/c: /a gets b, /a/b gets c.
 *
 * Never: creates a path that an operation between the two mounts over first (it is created in that
 * mount when its turn comes), or follows a symlink out of the container's root (mount.c resolves).
 */
#include "mountpoints.h"
#include "mount.h"
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Whether container path `child` lies strictly below `parent` (both absolute, normalized by Java). */
static int strictly_below(const char *parent, const char *child)
{
    size_t pl = strlen(parent);
    while (pl > 1 && parent[pl - 1] == '/')
        pl--;
    if (pl == 1 && parent[0] == '/')
        return child[0] == '/' && child[1] != '\0';
    return strncmp(parent, child, pl) == 0 && child[pl] == '/' && child[pl + 1] != '\0';
}

static int same_or_below(const char *parent, const char *child)
{
    return strcmp(parent, child) == 0 || strictly_below(parent, child);
}

/* How an operation's mount point is made: 0 none, 1 a directory, 2 an empty file (the last
 * component; its parents are directories). Devices and symlinks need their parent directory. */
static int mount_point_kind(const struct cv_setup_op *m, const char **path, char *parent, size_t pn)
{
    struct stat st;
    *path = m->dst;
    switch (m->kind) {
    case CV_SETUP_BIND:
    case CV_SETUP_BIND_IDMAP:
        return stat(m->src, &st) == 0 && !S_ISDIR(st.st_mode) ? 2 : 1;
    case CV_SETUP_TMPFS:
    case CV_SETUP_PROC:
    case CV_SETUP_SYSFS:
    case CV_SETUP_DEV:
    case CV_SETUP_DEVPTS:
    case CV_SETUP_MQUEUE:
        return 1;
    case CV_SETUP_DEVICE:
    case CV_SETUP_SYMLINK: {
        const char *slash = strrchr(m->dst, '/');
        if (!slash || slash == m->dst || (size_t)(slash - m->dst) >= pn)
            return 0;
        snprintf(parent, pn, "%.*s", (int)(slash - m->dst), m->dst);
        *path = parent;
        return 1;
    }
    case CV_SETUP_MASK:
    case CV_SETUP_READONLY:
    default:
        return 0; /* act only on what exists */
    }
}

/* Whether the operation puts a new mount over its destination (so what is below it is its own). */
static int mounts_over(const struct cv_setup_op *m)
{
    return m->kind == CV_SETUP_BIND || m->kind == CV_SETUP_BIND_IDMAP || m->kind == CV_SETUP_TMPFS || m->kind == CV_SETUP_PROC ||
           m->kind == CV_SETUP_SYSFS || m->kind == CV_SETUP_DEV || m->kind == CV_SETUP_DEVPTS ||
           m->kind == CV_SETUP_MQUEUE || m->kind == CV_SETUP_MASK;
}

/* The loop of both entry points: paths below operation `at`'s destination, opened in basefd; with
 * strip set, that prefix (the destination) is taken off first, so they land in the bind's source. */
static int make_below(int basefd, const char *strip, const struct cv_plan *p, size_t at, struct cv_fail *f)
{
    const char *top = p->setup[at].dst;
    size_t sl = strip && strcmp(strip, "/") != 0 ? strlen(strip) : 0;
    for (size_t j = at + 1; j < p->nsetup; j++) {
        /* Its mount point (the destination or its parent) is below top only if the destination
         * is: ops elsewhere are skipped before mount_point_kind stats a bind's source. */
        if (!strictly_below(top, p->setup[j].dst))
            continue;
        char parent[CV_PATH_MAX];
        const char *path;
        int kind = mount_point_kind(&p->setup[j], &path, parent, sizeof parent);
        if (kind == 0 || !strictly_below(top, path))
            continue;
        int covered = 0;
        for (size_t k = at + 1; k < j && !covered; k++)
            covered = mounts_over(&p->setup[k]) && same_or_below(p->setup[k].dst, path);
        if (covered)
            continue;
        int fd = cv_open_in_root(basefd, path + sl, kind, f, CV_STEP_MOUNTPOINT);
        if (fd < 0)
            return -1;
        close(fd);
    }
    return 0;
}

int cv_mountpoints_before_readonly(int rootfd, const struct cv_plan *p, size_t at, struct cv_fail *f)
{
    return make_below(rootfd, NULL, p, at, f);
}

int cv_mountpoints_in_source(const struct cv_plan *p, size_t at, struct cv_fail *f)
{
    const struct cv_setup_op *m = &p->setup[at];
    int srcfd = CV_RETRY(open(m->src, O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (srcfd < 0)
        return 0; /* a file's bind has nothing below it */
    int r = make_below(srcfd, m->dst, p, at, f);
    if (r != 0) {
        size_t dl = strlen(f->detail);
        snprintf(f->detail + dl, sizeof f->detail - dl, " (in the source %s)", m->src);
    }
    close(srcfd);
    return r;
}
