/*
 * cleanup.c - removal of the container's host-side leftovers once the init is gone:
 * detach stray mount points under the paths (one read of the mount table), then remove each tree with openat/unlinkat
 * (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR) without ever following a symlink or
 * descending into another device; rmdir cgroup directories (cgroup.c, which retries EBUSY).
 *
 * Never: decides what to remove (the plan lists it), or stops at the first failure.
 */
#include "cleanup.h"
#include "cgroup.h"
#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static void log_fail(const char *what, const char *sc, int err, const char *path)
{
    char eb[16];
    cv_log("cleanup %s %s %s %s", what, sc, cv_errno_name(err, eb, sizeof eb), path);
}

/* Decode mountinfo's octal escapes (\040 etc.) in place. */
static void unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
            r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 4;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

static int cmp_len_desc(const void *a, const void *b)
{
    size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
    return (x < y) - (x > y);
}

static int is_at_or_under(const char *mnt, const char *path)
{
    size_t pl = strlen(path);
    return strncmp(mnt, path, pl) == 0 && (mnt[pl] == '\0' || mnt[pl] == '/');
}

/* One read of the mount table for every path: a plan names several trees (the layer's upper and
 * work, the state directory), and each read costs the whole table. */
static void detach_mounts_under(const char *const *paths, size_t npaths)
{
    FILE *fp = fopen("/proc/self/mountinfo", "re");
    if (!fp) {
        log_fail("mounts", "fopen", errno, "/proc/self/mountinfo");
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    char **found = NULL;
    size_t n = 0;
    while (getline(&line, &cap, fp) > 0) {
        char *save = NULL, *tok = strtok_r(line, " ", &save);
        for (int i = 0; tok && i < 4; i++)
            tok = strtok_r(NULL, " ", &save);
        if (!tok)
            continue;
        unescape(tok);
        int under = 0;
        for (size_t j = 0; j < npaths && !under; j++)
            under = is_at_or_under(tok, paths[j]);
        if (under) {
            char **nf = realloc(found, (n + 1) * sizeof *nf);
            if (!nf) {
                log_fail("mounts", "realloc", ENOMEM, tok);
                break;
            }
            found = nf;
            if ((found[n] = strdup(tok)))
                n++;
            else
                log_fail("mounts", "strdup", ENOMEM, tok);
        }
    }
    free(line);
    fclose(fp);
    qsort(found, n, sizeof *found, cmp_len_desc);
    for (size_t i = 0; i < n; i++) {
        if (umount2(found[i], MNT_DETACH | UMOUNT_NOFOLLOW) != 0)
            log_fail("umount", "umount2", errno, found[i]);
        else
            cv_log("cleanup: detached mount %s", found[i]);
        free(found[i]);
    }
    free(found);
}

static int remove_entry(int parent, const char *name, const char *path, dev_t dev, int depth)
{
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return 0;
        log_fail("tree", "fstatat", errno, path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlinkat(parent, name, 0) != 0 && errno != ENOENT) {
            log_fail("tree", "unlinkat", errno, path);
            return -1;
        }
        return 0;
    }
    if (st.st_dev != dev) {
        log_fail("tree", "fstatat", EBUSY, path);
        return -1;
    }
    if (depth > 4096) {
        log_fail("tree", "openat", ELOOP, path);
        return -1;
    }
    int fd = CV_RETRY(openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd < 0) {
        log_fail("tree", "openat", errno, path);
        return -1;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        log_fail("tree", "fdopendir", errno, path);
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (!de) {
            if (errno) {
                log_fail("tree", "readdir", errno, path);
                rc = -1;
            }
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        size_t len = strlen(path) + strlen(de->d_name) + 2;
        char *child = malloc(len);
        if (!child) {
            rc = -1;
            break;
        }
        snprintf(child, len, "%s/%s", path, de->d_name);
        if (remove_entry(dirfd(d), de->d_name, child, dev, depth + 1) != 0)
            rc = -1;
        free(child);
    }
    closedir(d);
    if (unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
        log_fail("tree", "unlinkat", errno, path);
        return -1;
    }
    return rc;
}

/* Removes the tree at path; its mounts were detached before. */
static int remove_tree(const char *path)
{
    char parent[CV_PATH_MAX];
    snprintf(parent, sizeof parent, "%s", path);
    size_t l = strlen(parent);
    while (l > 1 && parent[l - 1] == '/')
        parent[--l] = '\0';
    char *slash = strrchr(parent, '/');
    if (!slash || slash[1] == '\0')
        return -1;
    char name[256];
    snprintf(name, sizeof name, "%s", slash + 1);
    if (slash == parent)
        slash[1] = '\0';
    else
        *slash = '\0';
    int pfd cleanup_fd = CV_RETRY(open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (pfd < 0) {
        if (errno == ENOENT)
            return 0;
        log_fail("tree", "open", errno, parent);
        return -1;
    }
    struct stat st;
    if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : (log_fail("tree", "fstatat", errno, path), -1);
    return remove_entry(pfd, name, path, st.st_dev, 0);
}

int cv_cleanup_trees(const char *const *paths, size_t n)
{
    detach_mounts_under(paths, n);
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        if (remove_tree(paths[i]) != 0)
            rc = -1;
    return rc;
}

static int cleanup_rmdir(const char *path)
{
    if (cv_cgroup_remove(path) == 0)
        return 0;
    log_fail("rmdir", "rmdir", errno, path);
    return -1;
}

int cv_cleanup_run(const struct cv_plan *p)
{
    const char **trees = calloc(p->ncleanup ? p->ncleanup : 1, sizeof *trees);
    size_t ntrees = 0;
    for (size_t i = 0; trees && i < p->ncleanup; i++)
        if (p->cleanup[i].kind == CV_CLEANUP_TREE)
            trees[ntrees++] = p->cleanup[i].path;
    int detached = trees != NULL;
    if (detached) {
        detach_mounts_under(trees, ntrees);
        free(trees);
    }
    int rc = 0;
    for (size_t i = 0; i < p->ncleanup; i++) {
        const struct cv_cleanup_op *c = &p->cleanup[i];
        /* Without the list (no memory), each tree detaches its own mounts. */
        int r = c->kind == CV_CLEANUP_RMDIR ? cleanup_rmdir(c->path) : detached ? remove_tree(c->path)
                                                                         : cv_cleanup_trees((const char *const *)&c->path, 1);
        if (r != 0)
            rc = -1;
        else
            cv_log("cleanup: removed %s", c->path);
    }
    return rc;
}
