/*
 * copy_run.h - what the files of one `containerv-helper copy` run share: its failure record,
 * its counts, its mode (upload or download, whose owners), the paths of the entry being
 * copied, and the scoped lookup every part of it opens directories with.
 *
 * Never: holds anything across runs (one copy is one process).
 */
#ifndef CV_COPY_RUN_H
#define CV_COPY_RUN_H

#include "report.h"

#include <stdint.h>
#include <sys/types.h>

struct cv_copy_run {
    struct cv_fail fail;
    struct {
        unsigned long long files, dirs, links, skipped, bytes;
    } stats;
    int download, keep_owners;
    /* --owner-of-parent (upload): every entry gets the owner of the destination's parent
     * directory (in a container with a user namespace, that owner's mapped ids) instead of the
     * host file's. */
    int parent_owner;
    uid_t owner_uid;
    gid_t owner_gid;
    /* Current source, destination and destination-relative paths (for messages and rollback). */
    char sp[CV_PATH_MAX], dp[CV_PATH_MAX], rp[CV_PATH_MAX];
    int top; /* the destination's parent: rp is relative to it; -1 before the walk */
};

extern struct cv_copy_run cv_copy;

/* Set the run's failure record; returns -1. */
int cv_copy_fail(enum cv_step step, const char *sc, int err, const char *path);

/* openat2 of a directory (O_RDONLY|O_DIRECTORY) with `resolve`, retried while the kernel
 * says EAGAIN (a rename or mount raced the scoped lookup). */
int cv_copy_open_resolved(int dirfd, const char *path, uint64_t resolve);

#endif
