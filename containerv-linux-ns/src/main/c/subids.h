/*
 * subids.h - a rootless container's maps with subordinate ids, written by the plan's newuidmap
 * and newgidmap (plan lines newuidmap, newgidmap; issue 15).
 *
 * Never: chooses a mapping or a tool (the plan names both), or writes a map file itself.
 */
#ifndef CV_SUBIDS_H
#define CV_SUBIDS_H

#include <sys/types.h>

#include "plan.h"
#include "report.h"

/* Runs the plan's newuidmap, then newgidmap, for process pid with the plan's maps
 * ("<tool> <pid> <inside> <outside> <count>..."); they must run in pid's parent user
 * namespace. 0, or -1 with f (step user-namespace; the tool's path and its own words). */
int cv_subids_write_maps(pid_t pid, const struct cv_plan *p, struct cv_fail *f);

/* The calling process unshares a user namespace and has its maps written by the plan's tools,
 * run by a writer forked first (it stays in the parent namespace); returns once both tools
 * succeeded. 0, or -1 with f (step user-namespace). */
int cv_subids_unshare(const struct cv_plan *p, struct cv_fail *f);

#endif
