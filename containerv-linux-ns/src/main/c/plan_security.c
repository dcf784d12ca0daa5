/*
 * plan_security.c - the plan's hardening directives (caps, no-new-privs, landlock, seccomp, mask,
 * readonly).
 *
 * Never: applies any of them; spawn.c does.
 */
#include "plan.h"
#include "plan_parse.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* caps, no-new-privs, landlock, landlock-scope, seccomp-default, seccomp, seccomp-log, mask, readonly. 1 when kw is none of them. */
int cv_plan_security_directive(struct cv_plan_ctx *c, struct cv_plan *p, const char *kw, char **a, int n,
                              unsigned *seen_flags)
{
    if (strcmp(kw, "mask") == 0 || strcmp(kw, "readonly") == 0) {
        if (cv_plan_arity(c, kw, n, 1) || cv_plan_check_abs(c, kw, a[0]))
            return -1;
        return cv_plan_add_op(c, p, kw[0] == 'm' ? CV_SETUP_MASK : CV_SETUP_READONLY, a[0], NULL) ? 0 : -1;
    }
    if (strcmp(kw, "caps") == 0) {
        if (cv_plan_arity(c, kw, n, 5))
            return -1;
        if (p->has_caps)
            return cv_plan_perr(c, "directive '%s' given more than once", kw);
        uint64_t *sets[5] = { &p->caps.bounding, &p->caps.permitted, &p->caps.effective, &p->caps.inheritable,
                              &p->caps.ambient };
        for (int i = 0; i < 5; i++) {
            if (cv_caps_parse_list(a[i], sets[i], CV_STEP_PLAN, c->f) != 0)
                return cv_plan_perr(c, "directive 'caps': %s", c->f->detail);
        }
        p->has_caps = 1;
        return 0;
    }
    if (strcmp(kw, "seccomp-default") == 0) {
        if (cv_plan_arity(c, kw, n, 1) || cv_plan_seen_once(c, kw, seen_flags, CV_SEEN_SECCOMP_DEFAULT))
            return -1;
        if (cv_seccomp_parse_action(a[0], &p->seccomp_default) != 0)
            return cv_plan_perr(c, "directive '%s': bad action '%s'", kw, a[0]);
        p->has_seccomp = 1;
        return 0;
    }
    if (strcmp(kw, "landlock") == 0) {
        if (cv_plan_arity(c, kw, n, 2) || cv_plan_check_abs(c, kw, a[1]))
            return -1;
        if (strcmp(a[0], "ro") != 0 && strcmp(a[0], "rw") != 0)
            return cv_plan_perr(c, "directive 'landlock': first argument must be 'ro' or 'rw', got '%s'", a[0]);
        struct cv_landlock_rule *v = cv_plan_grow(p->landlock, p->nlandlock, sizeof *v);
        if (!v)
            return cv_plan_oom(c);
        p->landlock = v;
        v[p->nlandlock].writable = a[0][1] == 'w';
        if (!(v[p->nlandlock].path = strdup(a[1])))
            return cv_plan_oom(c);
        p->nlandlock++;
        return 0;
    }
    if (strcmp(kw, "landlock-scope") == 0) {
        if (cv_plan_arity(c, kw, n, 1))
            return -1;
        if (strcmp(a[0], "abstract-unix") != 0)
            return cv_plan_perr(c, "directive 'landlock-scope': the only scope is 'abstract-unix', got '%s'", a[0]);
        p->scope_abstract_unix = 1;
        return 0;
    }
    if (strcmp(kw, "no-new-privs") == 0) {
        if (cv_plan_arity(c, kw, n, 0))
            return -1;
        p->no_new_privs = 1;
        return 0;
    }
    if (strcmp(kw, "seccomp-log") == 0) {
        if (cv_plan_arity(c, kw, n, 0))
            return -1;
        p->seccomp_log = 1;
        p->has_seccomp = 1;
        return 0;
    }
    if (strcmp(kw, "seccomp") == 0) {
        if (n < 2)
            return cv_plan_perr(c, "directive 'seccomp' takes <name> <action> [<cond>...], got %d arguments", n);
        struct cv_sc_rule *v = cv_plan_grow(p->seccomp_rules, p->nseccomp_rules, sizeof *v);
        if (!v)
            return cv_plan_oom(c);
        p->seccomp_rules = v;
        if (cv_seccomp_parse_rule(a, n, &v[p->nseccomp_rules], c->f) != 0)
            return cv_plan_perr(c, "directive 'seccomp': %s", c->f->detail);
        p->nseccomp_rules++;
        p->has_seccomp = 1;
        return 0;
    }
    return 1;
}
