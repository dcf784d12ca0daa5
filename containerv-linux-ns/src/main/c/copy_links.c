/*
 * copy_links.c - the table of files already copied (copy_links.h), by st_dev and st_ino.
 *
 * Never: follows a link to reach a first copy (it is reopened beneath the destination's parent
 * with RESOLVE_NO_SYMLINKS), or links to anything but a regular file.
 */
#include "copy_links.h"
#include "copy_rollback.h"
#include "copy_run.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * A file met again (same st_dev and st_ino: a hard link, or a file the container moved ahead of
 * the walk) is linked to its first copy, as tar and docker cp link hard links; else one big file
 * gave a copy per link or move. Files of one link under a block are not remembered (no gain).
 * Open addressing on (dev, ino); each slot keeps where the first copy is, relative to cv_copy.top.
 */
struct link_slot {
    dev_t dev;
    ino_t ino;
    char *rel; /* NULL: empty slot */
};
static struct link_slot *LINKS;
static size_t NLINKS, LINKS_CAP;

static size_t link_hash(dev_t dev, ino_t ino)
{
    unsigned long long h = (unsigned long long)ino * 0x9e3779b97f4a7c15ull ^ (unsigned long long)dev;
    return (size_t)(h ^ (h >> 29));
}

static struct link_slot *link_find(dev_t dev, ino_t ino)
{
    if (!LINKS_CAP)
        return NULL;
    for (size_t i = link_hash(dev, ino) & (LINKS_CAP - 1);; i = (i + 1) & (LINKS_CAP - 1)) {
        if (!LINKS[i].rel || (LINKS[i].dev == dev && LINKS[i].ino == ino))
            return &LINKS[i];
    }
}

/* Remember cv_copy.rp as the first copy of (dev, ino); out of memory only means no link later. */
static void link_remember(dev_t dev, ino_t ino)
{
    if ((NLINKS + 1) * 2 > LINKS_CAP) {
        size_t cap = LINKS_CAP ? LINKS_CAP * 2 : 1024;
        struct link_slot *old = LINKS, *t = calloc(cap, sizeof *t);
        if (!t)
            return; /* still at most half full: no more links are remembered */
        size_t ocap = LINKS_CAP;
        LINKS = t;
        LINKS_CAP = cap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].rel)
                *link_find(old[i].dev, old[i].ino) = old[i];
        free(old);
    }
    if ((NLINKS + 1) * 2 > LINKS_CAP)
        return;
    struct link_slot *sl = link_find(dev, ino);
    if (sl->rel || !(sl->rel = strdup(cv_copy.rp)))
        return;
    sl->dev = dev;
    sl->ino = ino;
    NLINKS++;
}

/* Link dname of ddir to the first copy of st's file. 1 when linked, 0 when it must be copied
 * (first time, or the first copy is gone or cannot be linked), -1 with the run's failure set. The first copy
 * is reopened beneath cv_copy.top without following any link, and must still be a regular file. */
int cv_copy_link_to_first_copy(const struct stat *st, int ddir, const char *dname)
{
    if (st->st_nlink < 2 && st->st_size < 4096)
        return 0;
    struct link_slot *sl = link_find(st->st_dev, st->st_ino);
    if (!sl || !sl->rel) {
        link_remember(st->st_dev, st->st_ino);
        return 0;
    }
    struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
                            .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
    int fd cleanup_fd = (int)CV_RETRY(syscall(SYS_openat2, cv_copy.top, sl->rel, &how, sizeof how));
    struct stat ft;
    if (fd < 0 || fstat(fd, &ft) != 0 || !S_ISREG(ft.st_mode))
        return 0;
    if (linkat(fd, "", ddir, dname, AT_EMPTY_PATH) != 0)
        return errno == EEXIST ? cv_copy_fail(CV_STEP_OPEN, "linkat", errno, cv_copy.dp) : 0;
    if (cv_copy_log_created(0) != 0)
        return -1;
    cv_copy.stats.files++;
    return 1;
}
