/*
 * plan_parse.h - what the plan parser's files (plan.c, plan_directives.c, plan_userns.c,
 * plan_security.c) share: the line being read, and the helpers that check arguments and fill
 * the plan. Every error names "<plan>:<line>" and what is wrong.
 */
#ifndef CV_PLAN_PARSE_H
#define CV_PLAN_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "report.h"

struct cv_plan_ctx {
    const char *name;
    unsigned line;
    struct cv_fail *f;
};

/* Fills the failure (step plan, EINVAL, "<name>:<line>") and returns -1. */
int cv_plan_perr(struct cv_plan_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A string directive that may be given once. */
int cv_plan_set_once_str(struct cv_plan_ctx *c, char **slot, const char *kw, const char *val);
/* A flag directive (no argument) that may be given once. */
int cv_plan_set_once_flag(struct cv_plan_ctx *c, int *slot, const char *kw);
int cv_plan_check_abs(struct cv_plan_ctx *c, const char *kw, const char *path);
int cv_plan_parse_num(struct cv_plan_ctx *c, const char *kw, const char *s, uint64_t *out);
/* realloc to n + 1 elements. */
void *cv_plan_grow(void *arr, size_t n, size_t elem);
int cv_plan_oom(struct cv_plan_ctx *c);
/* Appends a copy of val to a list of strings (lower, cgroup-procs). */
int cv_plan_push_str(struct cv_plan_ctx *c, char ***arr, size_t *n, const char *val);
/* Appends a setup operation with its container path (and source or link text). */
struct cv_setup_op *cv_plan_add_op(struct cv_plan_ctx *c, struct cv_plan *p, enum cv_setup_kind kind, const char *dst,
                                   const char *src);
int cv_plan_arity(struct cv_plan_ctx *c, const char *kw, int have, int want);

/* The directives whose presence the parser tracks in seen_flags (later checks read some). */
enum cv_plan_seen {
    CV_SEEN_PERSISTENT = 1,
    CV_SEEN_STOP_GRACE = 2,
    CV_SEEN_STREAM_TIMEOUT = 4,
    CV_SEEN_SECCOMP_DEFAULT = 8,
    CV_SEEN_SETGROUPS = 16,
};
/* Marks bit in *seen_flags; an error naming kw when it was already there. */
int cv_plan_seen_once(struct cv_plan_ctx *c, const char *kw, unsigned *seen_flags, unsigned bit);

/* One directive line (argv[0] is the keyword); plan_directives.c. */
int cv_plan_directive(struct cv_plan_ctx *c, struct cv_plan *p, char **argv, int argc, unsigned *seen_ns,
                      unsigned *seen_flags);
/* The user-namespace and security directives: 1 when kw is none of theirs. */
int cv_plan_userns_directive(struct cv_plan_ctx *c, struct cv_plan *p, const char *kw, char **a, int n, unsigned *seen_flags);
int cv_plan_security_directive(struct cv_plan_ctx *c, struct cv_plan *p, const char *kw, char **a, int n, unsigned *seen_flags);
/* How the user-namespace directives fit together, once the whole plan is read. */
int cv_plan_check_userns(struct cv_plan_ctx *c, struct cv_plan *p, unsigned seen_flags);

#endif
