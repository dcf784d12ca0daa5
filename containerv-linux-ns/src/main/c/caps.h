/*
 * caps.h - the capability sets of a container process (bounding, permitted, effective,
 * inheritable, ambient), no_new_privs and the dumpable flag, applied in a child between fork
 * and execve.
 *
 * Never: decides which capabilities a process gets (the plan says), allocates or reads files
 * in the apply path (it runs in a forked child), or raises a capability that is not permitted.
 */
#ifndef CV_CAPS_H
#define CV_CAPS_H

#include "report.h"

#include <stdint.h>

/* Highest capability number this helper knows by name (CAP_CHECKPOINT_RESTORE). */
#define CV_CAP_MAX_KNOWN 40

/* Bit masks, bit n = capability n. Ambient must lie within permitted and inheritable. */
struct cv_caps {
    uint64_t bounding, permitted, effective, inheritable, ambient;
};

/* Capability number of "CHOWN" or "CAP_CHOWN" (any case), or -1 when unknown. */
int cv_cap_from_name(const char *name);

/* Name without the CAP_ prefix ("CHOWN"), or NULL for a number without a name. */
const char *cv_cap_name(int cap);

/* Parse a comma-separated list of names into a mask; "" and "-" are the empty set. On an
 * unknown name: -1 with f naming it (step as given). */
int cv_caps_parse_list(const char *list, uint64_t *mask, enum cv_step step, struct cv_fail *f);

/* /proc/sys/kernel/cap_last_cap, read once before forking (CV_CAP_MAX_KNOWN if unreadable). */
int cv_caps_last_cap(void);

/*
 * In the child, in two steps around the uid switch (setresuid to a non-root uid clears
 * permitted, effective and ambient, after which the bounding set can no longer be changed):
 *
 *   cv_caps_before_setuid  before setgroups/setresgid/setresuid: drops every capability up to
 *                          last_cap that is not in c->bounding (needs CAP_SETPCAP), clears the
 *                          ambient set and sets the inheritable set (which a uid switch keeps
 *                          but only a privileged process can raise);
 *   cv_caps_after_setuid   after them: permitted/effective/inheritable with capset, then raises
 *                          each ambient capability (for a non-root uid, pass empty
 *                          permitted/effective/ambient: that is what the kernel left).
 *
 * cv_caps_apply does both at once (no uid switch). Each returns 0, or -1 with f set (step
 * "caps"). Async-signal-safe.
 */
/* Only the bounding-set part of cv_caps_before_setuid (skipping what is already dropped). */
int cv_caps_drop_bounding(const struct cv_caps *c, int last_cap, struct cv_fail *f);
int cv_caps_before_setuid(const struct cv_caps *c, int last_cap, struct cv_fail *f);
int cv_caps_after_setuid(const struct cv_caps *c, int last_cap, struct cv_fail *f);
int cv_caps_apply(const struct cv_caps *c, int last_cap, struct cv_fail *f);

/* prctl(PR_SET_NO_NEW_PRIVS, 1): execve can no longer raise privileges (setuid bits, file
 * capabilities). Required before loading a seccomp filter without CAP_SYS_ADMIN. */
int cv_set_no_new_privs(struct cv_fail *f);

/* prctl(PR_SET_DUMPABLE, on): 0 makes /proc/<pid>/fd, ptrace and pidfd_getfd refuse
 * processes of the same uid without CAP_SYS_PTRACE. Note: execve resets it to 1. */
int cv_set_dumpable(int on, struct cv_fail *f);

#endif
