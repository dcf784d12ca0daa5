/*
 * mount.h - the init's filesystem setup: private propagation, overlay root, the plan's
 * setup operations (binds, tmpfs, /proc, /sys, /dev and its nodes...), pivot_root.
 *
 * Never: runs outside the init's own mount namespace, or writes to the base rootfs.
 */
#ifndef CV_MOUNT_H
#define CV_MOUNT_H

#include "plan.h"
#include "report.h"

/* Everything up to (not including) pivot_root. Returns 0 or -1 with f filled. */
int cv_mount_rootfs(const struct cv_plan *p, struct cv_fail *f);

/* pivot_root into the plan's merged dir and detach the old root. */
int cv_mount_pivot(const struct cv_plan *p, struct cv_fail *f);

/* Open (O_PATH) a container path resolved inside rootfd, creating missing components:
 * create 0 = none, 1 = directories, 2 = directories and the last one as an empty file. */
int cv_open_in_root(int rootfd, const char *path, int create, struct cv_fail *f, enum cv_step step);

#endif
