/*
 * seccomp.h - a seccomp filter compiled once from rules (syscall name, action, argument
 * conditions) with libseccomp, and loaded in a child just before execve with one system call.
 *
 * Two shapes, both from the same rules: a deny-list (default action allow, rules deny) and an
 * allow-list (a default action such as errno EPERM, rules allow). Only the native architecture
 * is in the filter; a system call made through another ABI (i386 or x32 on x86_64) gets the
 * bad-architecture action, which kills the process.
 *
 * Never: decides the rules (Java does), calls libseccomp after fork (the child only loads the
 * exported program), or allocates in the load path.
 */
#ifndef CV_SECCOMP_H
#define CV_SECCOMP_H

#include "report.h"

#include <stddef.h>
#include <stdint.h>

enum cv_sc_kind { CV_SC_ALLOW, CV_SC_ERRNO, CV_SC_KILL_PROCESS, CV_SC_LOG };

struct cv_sc_action {
    enum cv_sc_kind kind;
    int err; /* CV_SC_ERRNO only */
};

enum cv_sc_op { CV_SC_EQ, CV_SC_NE, CV_SC_LT, CV_SC_LE, CV_SC_GT, CV_SC_GE, CV_SC_MASKED_EQ };

/* Argument `arg` (0-5) compared with `value`; for MASKED_EQ, (arg & mask) == value. */
struct cv_sc_cond {
    unsigned arg;
    enum cv_sc_op op;
    uint64_t value, mask;
};

#define CV_SC_MAX_CONDS 6

/* One rule; several rules for the same syscall are alternatives (any matching one applies),
 * the conditions of one rule must all hold. libseccomp 2.5 takes at most one comparison per
 * argument in a rule (two fail with EINVAL), a rule without conditions replaces the
 * conditional ones of its syscall, and a rule whose action is the default action changes
 * nothing (it is skipped): "deny unless the value is one of a set" is written as one deny
 * rule per forbidden bit (masked_eq), see the personality rules of the default deny-list. */
struct cv_sc_rule {
    char name[64];
    struct cv_sc_action action;
    unsigned nconds;
    struct cv_sc_cond conds[CV_SC_MAX_CONDS];
};

/* The compiled program, owned by the caller (cv_seccomp_free). */
struct cv_seccomp {
    void *insns;      /* struct sock_filter[len] */
    unsigned short len;
    unsigned skipped; /* rules whose syscall does not exist on this architecture */
};

/* Flags of cv_seccomp_compile. */
#define CV_SC_LOG_ONLY 1u /* every action other than allow becomes log (CONTAINERV_SECCOMP_LOG=1) */

/*
 * Compile: default action for syscalls no rule names, then the rules. A name libseccomp does
 * not know at all fails (step "seccomp", EINVAL, detail naming it); a name it knows for other
 * architectures only is skipped and counted (nothing can call it here). Returns 0 or -1 with f.
 */
int cv_seccomp_compile(struct cv_sc_action dflt, const struct cv_sc_rule *rules, size_t nrules, unsigned flags,
                       struct cv_seccomp *out, struct cv_fail *f);

/* Load the program into the calling thread (seccomp(2), falling back to prctl). Needs
 * no_new_privs or CAP_SYS_ADMIN. Async-signal-safe. Returns 0 or -1 with f (step "seccomp"). */
int cv_seccomp_load(const struct cv_seccomp *s, struct cv_fail *f);

void cv_seccomp_free(struct cv_seccomp *s);

/* Text forms, for the plan: "allow", "kill", "log", "errno" (EPERM), "errno:<N>" or
 * "errno:<NAME>" (a name from report.c's table, e.g. errno:ENOSYS). 0 or -1. */
int cv_seccomp_parse_action(const char *text, struct cv_sc_action *out);

/* "<arg>:<op>:<value>" or "<arg>:masked_eq:<mask>:<value>", op one of eq ne lt le gt ge;
 * numbers decimal or 0x hex. 0 or -1. */
int cv_seccomp_parse_cond(const char *text, struct cv_sc_cond *out);

/* One rule from its text fields: <name> <action> [<cond>...] (the arguments of the plan's
 * `seccomp` directive). 0, or -1 with f (step "seccomp") naming the bad field. */
int cv_seccomp_parse_rule(char *const *fields, int nfields, struct cv_sc_rule *out, struct cv_fail *f);

#endif
