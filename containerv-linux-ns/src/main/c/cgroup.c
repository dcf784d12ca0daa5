/*
 * cgroup.c - joining and removing cgroups on the supervisor's side. The supervisor moves the
 * init before letting it go, so every process of the container starts inside its cgroup; it
 * removes the (empty) cgroup after the init is gone.
 *
 * Never: follows a symlink in a cgroup-procs path (O_NOFOLLOW), or decides which cgroups
 * exist (Java makes them and names them in the plan).
 */
#include "cgroup.h"
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <time.h>

int cv_cgroup_join(const struct cv_plan *p, pid_t init, struct cv_fail *f)
{
    for (size_t i = 0; i < p->ncgroup_procs; i++) {
        int fd cleanup_fd = CV_RETRY(open(p->cgroup_procs[i], O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
        if (fd < 0) {
            cv_fail_set(f, CV_STEP_CGROUP_PROCS, "open", errno, p->cgroup_procs[i], NULL);
            return -1;
        }
        char num[32];
        int n = snprintf(num, sizeof num, "%d\n", (int)init);
        if (cv_write_all(fd, num, (size_t)n) != 0) {
            cv_fail_set(f, CV_STEP_CGROUP_PROCS, "write", errno, p->cgroup_procs[i], NULL);
            return -1;
        }
    }
    return 0;
}

int cv_cgroup_remove(const char *path)
{
    for (int i = 0; i < 200; i++) {
        if (rmdir(path) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            return -1;
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    return -1;
}
