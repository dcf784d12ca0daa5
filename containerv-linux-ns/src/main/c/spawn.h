/*
 * spawn.h - fork + exec of one SPAWN request inside the container, with a CLOEXEC report
 * pipe so a failure between fork and exec comes back with its exact step and errno.
 *
 * Never: blocks the init (the report pipe is read by the event loop), or decides
 * environment, user or limits (all of it arrives prepared from Java via the request; HOME comes from the
 * container's /etc/passwd only when the request's flag asks for it).
 */
#ifndef CV_SPAWN_H
#define CV_SPAWN_H

#include <sys/types.h>

#include "caps.h"
#include "proto.h"
#include "seccomp.h"
#include "report.h"
#include "passwd.h"

/* What the child writes on the report pipe when it fails (one write, < PIPE_BUF). */
struct cv_child_report {
    enum cv_step step;
    char syscall[24];
    int err;
    char path[1024];
    char detail[1024]; /* a failed PATH search: the PATH searched */
};

struct cv_spawn_plan {
    const struct cv_spawn_req *req;
    struct cv_cred cred;
    char **candidates;   /* exec paths to try, in order (NULL-terminated) */
    const char *default_path; /* the plan's default-path, searched when the environment has no PATH */
    int stdio[3];        /* fds to become 0, 1, 2 */
    const struct cv_caps *caps;       /* capability sets of a root process (NULL: unchanged) */
    int caps_inherited;               /* bounding, ambient, inheritable already set by PID 1 */
    int last_cap;                     /* the kernel's highest capability number */
    const struct cv_seccomp *seccomp; /* compiled once per container (NULL: none) */
    int no_new_privs;                 /* the plan's no-new-privs (else the request's flag decides) */
    int landlock_fd;                  /* the policy's Landlock ruleset (-1: none) */
};

/* Build the exec candidates for a request (PATH search when asked: the PATH of its
 * environment, else default_path, the plan's default-path; NULL = none). */
char **cv_spawn_candidates(const struct cv_spawn_req *req, const char *default_path);

/* For a request with CV_SPAWN_HOME_FROM_PASSWD: set HOME in its environment (replacing a HOME entry, else
 * appended) to the home the user resolution found (c->home). Returns 0, or -1 with f filled: step "user",
 * ENAMETOOLONG when the passwd entry's home does not fit, ENOMEM. Runs in the init, before the fork. */
int cv_spawn_home_env(struct cv_spawn_req *req, const struct cv_cred *c, struct cv_fail *f);

/* Fork the child. Returns the pid and the read end of the report pipe in *report_fd, or
 * -1 with f filled. */
pid_t cv_spawn_fork(const struct cv_spawn_plan *sp, int *report_fd, struct cv_fail *f);

#endif
