/*
 * cleanup.h - the supervisor's host-side cleanup (docs/linux-helper-protocol.md section 6).
 *
 * Never: follows a symlink while removing, or crosses into another filesystem.
 */
#ifndef CV_CLEANUP_H
#define CV_CLEANUP_H

#include "plan.h"

#include <stddef.h>

/* Run every cleanup directive in order; returns 0 when all succeeded, else -1 (each
 * failure is logged and the next directive still runs). */
int cv_cleanup_run(const struct cv_plan *p);

/* Detach every mount at or under any of the n paths (deepest first, from one read of the mount
 * table), then remove each tree without following symlinks or crossing devices; a missing path is
 * fine. Returns 0, or -1 (failures logged, every tree still tried). Also `containerv-helper
 * cleanup`, which Java uses for leftovers of dead containers. */
int cv_cleanup_trees(const char *const *paths, size_t n);

#endif
