/*
 * mount_ops.h - what mount.c, mount_dev.c and mount_root.c share inside the helper: the setup
 * operations of the plan, and the small mount helpers they are built from. Not for other files
 * (they use mount.h).
 */
#ifndef CV_MOUNT_OPS_H
#define CV_MOUNT_OPS_H

#include <stddef.h>

#include "plan.h"
#include "report.h"

/* /proc/self/fd/<fd> in buf. */
void cv_fdpath(char *buf, size_t n, int fd);

/* 0 when path is a directory; -1 with f filled (step) otherwise. */
int cv_check_dir(const char *path, enum cv_step step, struct cv_fail *f);

/* Sets nosuid, nodev (and read-only, noexec when asked) on the mount at the container path dst, recursively. */
int cv_bind_attrs(int rootfd, const char *dst, int readonly, int noexec, enum cv_step step, struct cv_fail *f);

/* mount(2) at a container path (created as cv_open_in_root's create says). */
int cv_mount_at(int rootfd, const char *dst, int create, const char *src, const char *type, unsigned long flags,
                const char *data, enum cv_step step, struct cv_fail *f);

/* The plan's setup operations in plan order, in the root rootfd. */
int cv_mount_setup_ops(int rootfd, const struct cv_plan *p, struct cv_fail *f);

/* One setup operation each (mount_dev.c, mount_root.c). */
int cv_mount_device(int rootfd, const struct cv_setup_op *m, struct cv_fail *f);
int cv_mount_symlink(int rootfd, const struct cv_setup_op *m, struct cv_fail *f);
int cv_mount_mask(int rootfd, const struct cv_setup_op *m, struct cv_fail *f);
int cv_mount_dev_bind(int rootfd, const struct cv_setup_op *m, struct cv_fail *f);
int cv_mount_readonly_path(int rootfd, const struct cv_setup_op *m, struct cv_fail *f);
int cv_mount_overlay_dir(int rootfd, const struct cv_plan *p, const struct cv_setup_op *m, struct cv_fail *f);

#endif
