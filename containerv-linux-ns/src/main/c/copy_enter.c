/*
 * copy_enter.c - entering the container for a copy (copy_enter.h): setns() into the init's user
 * namespace (a normal user's container only) and mount namespace, then chroot there.
 *
 * Never: joins a user namespace as root (the owners root sets are host ids), or enters an init
 * whose start time is not the one Java expects (a reused pid).
 */
#include "copy_enter.h"
#include "copy_run.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* A rootless container's mount namespace belongs to its user namespace: a copy run by the
 * same normal user joins that first (it owns it, so the kernel lets it), and the mount
 * namespace after. Nothing to do when the init is in this process's user namespace. */
static int enter_userns(const char *pid)
{
    /* Root needs no user namespace of the container's to reach its mounts (it owns them all), and
     * must not join one: the owners it sets are host ids (USERS, --owner-of-parent). */
    if (geteuid() == 0)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/ns/user", pid);
    int theirs cleanup_fd = CV_RETRY(open(path, O_RDONLY | O_CLOEXEC));
    if (theirs < 0)
        return cv_copy_fail(CV_STEP_TARGET, "open", errno, path);
    struct stat a, b;
    if (fstat(theirs, &a) != 0)
        return cv_copy_fail(CV_STEP_TARGET, "fstat", errno, path);
    if (stat("/proc/self/ns/user", &b) != 0)
        return cv_copy_fail(CV_STEP_TARGET, "stat", errno, "/proc/self/ns/user");
    if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return 0;
    if (setns(theirs, CLONE_NEWUSER) != 0)
        return cv_copy_fail(CV_STEP_SETNS, "setns", errno, path);
    return 0;
}

int cv_copy_enter(const char *pid, const char *expect)
{
    char path[64];
    uint64_t v;
    if (cv_parse_u64(pid, &v) != 0 || v < 1 || v > 0x7fffffff)
        return cv_copy_fail(CV_STEP_TARGET, "", EINVAL, pid);
    snprintf(path, sizeof path, "/proc/%s/ns/mnt", pid);
    int ns cleanup_fd = CV_RETRY(open(path, O_RDONLY | O_CLOEXEC));
    if (ns < 0)
        return cv_copy_fail(CV_STEP_TARGET, "open", errno, path);
    if (expect) {
        uint64_t want;
        if (cv_parse_u64(expect, &want) != 0)
            return cv_copy_fail(CV_STEP_TARGET, "", EINVAL, expect);
        if (cv_proc_starttime((pid_t)v) != want)
            return cv_copy_fail(CV_STEP_TARGET, "", ESRCH, pid);
    }
    if (enter_userns(pid) != 0)
        return -1;
    if (setns(ns, CLONE_NEWNS) != 0)
        return cv_copy_fail(CV_STEP_SETNS, "setns", errno, path);
    /* setns put us at the namespace's root; make it our root for good. */
    if (chroot(".") != 0)
        return cv_copy_fail(CV_STEP_CHROOT, "chroot", errno, "/");
    if (chdir("/") != 0)
        return cv_copy_fail(CV_STEP_CHROOT, "chdir", errno, "/");
    return 0;
}
