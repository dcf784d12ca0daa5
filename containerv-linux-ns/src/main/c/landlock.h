/*
 * landlock.h - the path rules of a SecurityPolicy, enforced with Landlock: PID 1 builds one
 * ruleset per container (after pivot_root, so the paths are the container's), each spawned
 * child restricts itself with it just before its seccomp filter and execve.
 *
 * Never: decides which paths or rights a container gets (the plan's `landlock` lines do), or
 * runs without a kernel that has Landlock (no ruleset means a refused create, never an
 * unrestricted process).
 */
#ifndef CV_LANDLOCK_H
#define CV_LANDLOCK_H

#include "report.h"

#include <stddef.h>

struct cv_landlock_rule {
    int writable; /* 0: read and execute beneath path; 1: every right the kernel handles */
    char *path;   /* container path */
};

/* The kernel's Landlock ABI version (landlock_create_ruleset with the VERSION flag), or -1
 * with errno (ENOSYS: not built in; EOPNOTSUPP: not enabled). */
int cv_landlock_abi(void);

/* A ruleset fd (CLOEXEC) that allows, beneath each rule's path, what the rule says and
 * nothing else that the kernel's ABI can restrict. -1 with f (step "landlock"; ENOSYS or
 * EOPNOTSUPP when the kernel has no Landlock, the detail saying so). */
int cv_landlock_build(const struct cv_landlock_rule *rules, size_t n, struct cv_fail *f);

/* In the child, after no_new_privs: restricts the calling process with the ruleset.
 * Async-signal-safe. 0, or -1 with f. */
int cv_landlock_enforce(int ruleset_fd, struct cv_fail *f);

/* Puts the calling process (PID 1, before any spawn) in a Landlock domain that handles no file
 * system right but scopes abstract Unix sockets (ABI 6, Linux 6.12): it and every process it
 * starts can connect only to abstract sockets made inside that domain, never to those of the
 * host's processes (a container sharing the host's network namespace sees them all). 1 when
 * done, 0 when the kernel's Landlock is older or missing (nothing is restricted: the caller
 * logs it), -1 with f. */
int cv_landlock_scope_abstract_unix(struct cv_fail *f);

#endif
