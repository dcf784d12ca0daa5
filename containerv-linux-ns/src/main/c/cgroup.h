/*
 * cgroup.h - the helper's part in cgroups: moving the init into the cgroups Java created
 * (plan `cgroup-procs`), and removing a cgroup directory once it is empty (`cleanup-rmdir`).
 *
 * Never: creates cgroups, writes limits or reads statistics (Java owns all of that).
 */
#ifndef CV_CGROUP_H
#define CV_CGROUP_H

#include <sys/types.h>

#include "plan.h"
#include "report.h"

/* Who moves the init into each `cgroup-procs` cgroup, so that no migration takes the kernel's
 * global cgroup_threadgroup_rwsem for writing (its first writer waits an RCU grace period:
 * about 10 ms per create on the CI machine):
 *  - a cgroup v2 directory: the clone itself (clone3 CLONE_INTO_CGROUP with the fd from
 *    cv_cgroup_clone_fd); where clone3 cannot, the supervisor writes the pid as below;
 *  - a cgroup v1 directory: the init, first thing after "go", writes "0" into its `tasks`
 *    file (moving the calling thread, which the kernel does without that lock; the init has
 *    one thread). Java's plan is unchanged: `cgroup-procs <dir>/cgroup.procs`. */

/* An O_PATH fd of the plan's cgroup v2 directory (its first v2 `cgroup-procs`), or -1. */
int cv_cgroup_clone_fd(const struct cv_plan *p);

/* In the supervisor, between clone and "go": write the init's host pid into every
 * `cgroup-procs` file that neither the clone (cloned_into = 1) nor the init joins. Returns 0
 * or -1 with f filled (step cgroup-procs). */
int cv_cgroup_join(const struct cv_plan *p, pid_t init, int cloned_into, struct cv_fail *f);

/* In the init, after "go" and before anything else: join the plan's cgroup v1 directories
 * through their `tasks` files. Returns 0 or -1 with f filled (step cgroup-procs). */
int cv_cgroup_join_self(const struct cv_plan *p, struct cv_fail *f);

/* Remove a cgroup directory: its sub-cgroups first (deepest first); every process still in it
 * killed (cgroup.kill, or freeze + SIGKILL + thaw) and waited for; then rmdir. ENOENT is fine,
 * EBUSY is retried for up to 2 s (a cgroup empties asynchronously after its last process has
 * exited). Returns 0, or -1 with errno set. */
int cv_cgroup_remove(const char *path);

#endif
