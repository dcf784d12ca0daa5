/*
 * copy_rollback.c - the log of entries one copy created (copy_rollback.h) and their removal
 * when the copy fails, children before their directory.
 *
 * Never: follows a link while removing (the container may have changed the tree meanwhile).
 */
#include "copy_rollback.h"
#include "copy_run.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Entries created so far, relative to the destination's parent, in creation order; removed
 * in reverse (children before their directory) when the copy fails. */
struct created {
    char *buf;
    size_t len, cap;
    size_t *ends; /* end offset of each entry; entries are NUL-terminated, with a type byte first */
    size_t n, ncap;
};

static struct created LOG;

int cv_copy_log_created(int is_dir)
{
    size_t n = strlen(cv_copy.rp) + 2;
    if (LOG.len + n > LOG.cap) {
        size_t cap = LOG.cap ? LOG.cap * 2 : 1u << 16;
        while (cap < LOG.len + n)
            cap *= 2;
        char *b = realloc(LOG.buf, cap);
        if (!b)
            return cv_copy_fail(CV_STEP_COPY, "malloc", ENOMEM, cv_copy.dp);
        LOG.buf = b;
        LOG.cap = cap;
    }
    if (LOG.n == LOG.ncap) {
        size_t cap = LOG.ncap ? LOG.ncap * 2 : 1024;
        size_t *e = realloc(LOG.ends, cap * sizeof *e);
        if (!e)
            return cv_copy_fail(CV_STEP_COPY, "malloc", ENOMEM, cv_copy.dp);
        LOG.ends = e;
        LOG.ncap = cap;
    }
    LOG.buf[LOG.len] = is_dir ? 'd' : 'f';
    memcpy(LOG.buf + LOG.len + 1, cv_copy.rp, n - 1);
    LOG.len += n;
    LOG.ends[LOG.n++] = LOG.len;
    return 0;
}

/* Remove what this copy created, newest first, never following a link (the tree may have
 * been changed meanwhile by the container). Best effort: the original failure is reported. */
void cv_copy_roll_back(int top)
{
    for (size_t i = LOG.n; i-- > 0;) {
        char *e = LOG.buf + (i ? LOG.ends[i - 1] : 0);
        int is_dir = e[0] == 'd';
        char *rel = e + 1, *slash = strrchr(rel, '/');
        int dfd = top;
        int own = -1;
        const char *name = rel;
        if (slash) {
            *slash = '\0';
            own = cv_copy_open_resolved(top, rel, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
            *slash = '/';
            if (own < 0)
                continue;
            dfd = own;
            name = slash + 1;
        }
        if (unlinkat(dfd, name, is_dir ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
            cv_log("rollback: cannot remove %s: %s", rel, strerror(errno));
        if (own >= 0)
            close(own);
    }
}
