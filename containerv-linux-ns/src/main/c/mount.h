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

/* pivot_root into the plan's merged dir. The old root then lies stacked on the new one, still attached:
 * the init's own lookups start at its root and never descend into it, but no other process may exist
 * until cv_mount_detach_old_root has run. The cwd stays at the new root (detaching needs it there). */
int cv_mount_pivot(const struct cv_plan *p, struct cv_fail *f);

/* Detach the old root left by cv_mount_pivot (umount2 MNT_DETACH: the kernel then waits for an RCU
 * grace period), then chdir("/"). Before a mount namespace is copied (an init entering its user
 * namespace unshares one) and before any container process exists. Returns 0 or -1 with f filled. */
int cv_mount_detach_old_root(struct cv_fail *f);

/* Open (O_PATH) a container path resolved inside rootfd, creating missing components:
 * create 0 = none, 1 = directories, 2 = directories and the last one as an empty file. */
int cv_open_in_root(int rootfd, const char *path, int create, struct cv_fail *f, enum cv_step step);

#endif
