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

/* Write the init's host pid into every `cgroup-procs` file of the plan, between clone and
 * "go". Returns 0 or -1 with f filled (step cgroup-procs). */
int cv_cgroup_join(const struct cv_plan *p, pid_t init, struct cv_fail *f);

/* Remove a cgroup directory: its sub-cgroups first (deepest first); every process still in it
 * killed (cgroup.kill, or freeze + SIGKILL + thaw) and waited for; then rmdir. ENOENT is fine,
 * EBUSY is retried for up to 2 s (a cgroup empties asynchronously after its last process has
 * exited). Returns 0, or -1 with errno set. */
int cv_cgroup_remove(const char *path);

#endif
