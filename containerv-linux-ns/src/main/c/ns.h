/*
 * ns.h - the container's namespaces: which ones the plan asks for, the clone that creates
 * the init inside them, and the cgroup namespace the init enters itself. The user namespace
 * is not among them: it is made before the clone and entered by the init last (userns.h).
 *
 * Never: decides which namespaces a container gets (the plan's `namespaces` does).
 */
#ifndef CV_NS_H
#define CV_NS_H

#include <sys/types.h>

#include "plan.h"
#include "report.h"

/* The clone(2) flags for the plan: pid, mount and uts always, net and ipc when asked.
 * CLONE_NEWCGROUP is never among them (see cv_ns_enter_cgroup). */
unsigned long cv_ns_clone_flags(const struct cv_plan *p);

/* clone() the init into the plan's new namespaces (like fork: copy-on-write stack). Returns
 * the child's pid in the parent, 0 in the child, or -1 with f filled (step clone). */
pid_t cv_ns_clone(const struct cv_plan *p, struct cv_fail *f);

/* In the init, after the supervisor has put it into its cgroup: with `namespaces cgroup`,
 * unshare the cgroup namespace, so its root is the container's own cgroup. */
int cv_ns_enter_cgroup(const struct cv_plan *p, struct cv_fail *f);

#endif
