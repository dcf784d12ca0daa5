/*
 * userns.h - the container's user namespace (plan lines uid-map, gid-map, setgroups): made
 * by the supervisor before it clones the init, with its maps written from the plan; entered
 * by the init once its whole setup is done, together with a fresh copy of its mount
 * namespace (so the kernel locks every mount the setup made).
 *
 * Never: chooses a mapping (the plan's lines are written as they are), or writes a map for a
 * process other than the one it is given.
 */
#ifndef CV_USERNS_H
#define CV_USERNS_H

#include <sys/types.h>

#include "plan.h"
#include "report.h"

/* A descriptor of the container's user namespace (/proc/<pid>/ns/user), -1 without one. Set
 * by the supervisor before the clone; the init inherits it and closes it when it enters. */
extern int cv_userns_fd;

/* Writes the plan's maps for process pid: "deny" into /proc/<pid>/setgroups first when the
 * plan says so (the kernel wants it before gid_map), then uid_map and gid_map, each in one
 * write as the kernel requires, one "<inside> <outside> <count>" line per plan line. */
int cv_userns_write_maps(pid_t pid, const struct cv_plan *p, struct cv_fail *f);

/* Supervisor, first thing after loading a plan with userns-self (rootless): unshares a user
 * namespace, writes its own maps, and executes itself again inside it (so its memory, and its
 * children's, belongs to the namespace); the second run finds itself inside and returns 0.
 * Nothing to do without userns-self (an error when the helper was started in a namespace of its
 * own). Inside a namespace made before the plan was read, checks that it has the plan's maps.
 * -1 with f (step user-namespace). */
int cv_userns_self(const struct cv_plan *p, const char *plan_path, struct cv_fail *f);

/* Rootless, started before its plan is written (`init <plan> early userns-self`, or a standby's
 * `init <room> standby:<idle-ms> userns-self`): unshares a user namespace, writes the one mapping an
 * unprivileged process may write for itself (its own uid and gid as 0, setgroups denied) and
 * executes itself again inside it as `init <plan> <mode> <mark>` (mode "early" or "standby:<ms>");
 * cv_userns_self later requires the plan to name exactly these maps. Returns only on failure, -1
 * with f (step user-namespace). */
int cv_userns_self_early(const char *plan_path, const char *mode, struct cv_fail *f);

/* The mark cv_userns_self passes to its re-execution as init's fourth word (never through the
 * environment, which /proc/1/environ would show the container); NULL on a first start. */
extern const char *cv_userns_self_mark;

/* Supervisor, before the init's clone: a short-lived child in a new user namespace, its maps
 * written, its namespace kept as cv_userns_fd, the child killed and reaped. 0, or -1 with f
 * (step user-namespace). Nothing to do without maps. */
int cv_userns_create(const struct cv_plan *p, struct cv_fail *f);

/* The host ids that container uid and gid 0 map to (the plan guarantees they are mapped). */
uid_t cv_userns_root_uid(const struct cv_plan *p);
gid_t cv_userns_root_gid(const struct cv_plan *p);

/* Init, around its mount setup: on = 1 makes the file-system ids those of the container's
 * root (so what the setup creates, tmpfs roots, mount points, device nodes, belongs to it)
 * while keeping every capability effective; on = 0 returns to root. No-op without maps. */
int cv_userns_setup_ids(const struct cv_plan *p, int on, struct cv_fail *f);

/* Init, after pivot_root and before it serves anything: setns into cv_userns_fd, unshare the
 * mount namespace (the copy belongs to the user namespace, so every mount in it is locked),
 * drop supplementary groups (unless setgroups is denied), become uid and gid 0 of the
 * namespace. No-op without maps. 0, or -1 with f (step enter-userns). */
int cv_userns_enter(const struct cv_plan *p, struct cv_fail *f);

#endif
