/*
 * copy_run.c - the state one copy run shares (copy_run.h): its failure record and the scoped
 * directory lookup.
 *
 * Never: copies, enters or removes anything.
 */
#include "copy_run.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

struct cv_copy_run cv_copy = { .top = -1 };

int cv_copy_fail(enum cv_step step, const char *sc, int err, const char *path)
{
    cv_fail_set(&cv_copy.fail, step, sc, err, path, NULL);
    return -1;
}

int cv_copy_open_resolved(int dirfd, const char *path, uint64_t resolve)
{
    struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC, .resolve = resolve };
    long fd = -1;
    /* EAGAIN: a rename or mount raced the scoped lookup; the kernel asks for a retry. */
    for (int i = 0; i < 16; i++) {
        fd = CV_RETRY(syscall(SYS_openat2, dirfd, path, &how, sizeof how));
        if (fd >= 0 || errno != EAGAIN)
            break;
    }
    return (int)fd;
}
