/*
 * mountpoints.h - the mount points the plan's later operations need under a mount that is about
 * to be made read-only, created while it is still writable.
 *
 * Never: creates a mount point another mount of the plan will cover first, or decides what to mount.
 */
#ifndef CV_MOUNTPOINTS_H
#define CV_MOUNTPOINTS_H

#include "plan.h"
#include "report.h"

#include <stddef.h>

/* Creates, under setup operation `at`'s destination, the mount point of every later operation that
 * will mount there (its parents too), unless an operation between them mounts over its path first
 * (that one gets its own turn). Returns 0 or -1 with f filled (step mountpoint). */
int cv_mountpoints_before_readonly(int rootfd, const struct cv_plan *p, size_t at, struct cv_fail *f);

/* The same for an operation whose mount is read-only from the start (bind-idmap): the mount points
 * are created in its host source directory, before it is attached. Returns 0 or -1 with f filled. */
int cv_mountpoints_in_source(const struct cv_plan *p, size_t at, struct cv_fail *f);

#endif
