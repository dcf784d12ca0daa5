/*
 * seccomp.c - compile rules into a seccomp BPF program with libseccomp (linked statically),
 * export it, and load it later with one system call (seccomp.h).
 *
 * libseccomp knows each architecture's syscall numbers and quirks (multiplexed calls, the x32
 * bit, argument widths), so the helper writes no BPF by hand. It is used only before fork:
 * the exported program is plain memory the child hands to seccomp(2).
 *
 * Never: follows a rule it cannot express (it fails instead), or calls libseccomp in a child.
 */
#include "seccomp.h"
#include "util.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static uint32_t libseccomp_action(struct cv_sc_action a, unsigned flags)
{
    if (a.kind == CV_SC_ALLOW)
        return SCMP_ACT_ALLOW;
    if (flags & CV_SC_LOG_ONLY)
        return SCMP_ACT_LOG;
    switch (a.kind) {
    case CV_SC_ERRNO:
        return SCMP_ACT_ERRNO((uint32_t)a.err);
    case CV_SC_KILL_PROCESS:
        return SCMP_ACT_KILL_PROCESS;
    case CV_SC_LOG:
        return SCMP_ACT_LOG;
    case CV_SC_ALLOW:
    default:
        return SCMP_ACT_ALLOW;
    }
}

static enum scmp_compare libseccomp_op(enum cv_sc_op op)
{
    switch (op) {
    case CV_SC_NE:
        return SCMP_CMP_NE;
    case CV_SC_LT:
        return SCMP_CMP_LT;
    case CV_SC_LE:
        return SCMP_CMP_LE;
    case CV_SC_GT:
        return SCMP_CMP_GT;
    case CV_SC_GE:
        return SCMP_CMP_GE;
    case CV_SC_MASKED_EQ:
        return SCMP_CMP_MASKED_EQ;
    case CV_SC_EQ:
    default:
        return SCMP_CMP_EQ;
    }
}

/* libseccomp returns -errno values. */
static int lib_fail(struct cv_fail *f, const char *call, int rc, const char *name)
{
    cv_fail_set(f, CV_STEP_SECCOMP, call, rc < 0 ? -rc : EINVAL, "", "%s", name);
    return -1;
}

/* Write the program to a memfd and read it back: libseccomp 2.5 exports only to an fd. */
static int export_program(scmp_filter_ctx ctx, struct cv_seccomp *out, struct cv_fail *f)
{
    int fd cleanup_fd = memfd_create("containerv-seccomp", MFD_CLOEXEC);
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_SECCOMP, "memfd_create", errno, "", "exporting the filter");
        return -1;
    }
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc != 0)
        return lib_fail(f, "seccomp_export_bpf", rc, "exporting the filter");
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cv_fail_set(f, CV_STEP_SECCOMP, "fstat", errno, "", "exporting the filter");
        return -1;
    }
    size_t len = (size_t)st.st_size;
    if (len == 0 || len % sizeof(struct sock_filter) != 0 || len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
        cv_fail_set(f, CV_STEP_SECCOMP, "", E2BIG, "", "the filter has %zu bytes; at most %d instructions load",
                    len, BPF_MAXINSNS);
        return -1;
    }
    void *insns = malloc(len);
    if (!insns) {
        cv_fail_set(f, CV_STEP_SECCOMP, "malloc", ENOMEM, "", "exporting the filter");
        return -1;
    }
    if (lseek(fd, 0, SEEK_SET) != 0 || cv_read_full(fd, insns, len) != (ssize_t)len) {
        free(insns);
        cv_fail_set(f, CV_STEP_SECCOMP, "read", errno ? errno : EIO, "", "exporting the filter");
        return -1;
    }
    out->insns = insns;
    out->len = (unsigned short)(len / sizeof(struct sock_filter));
    return 0;
}

int cv_seccomp_compile(struct cv_sc_action dflt, const struct cv_sc_rule *rules, size_t nrules, unsigned flags,
                       struct cv_seccomp *out, struct cv_fail *f)
{
    memset(out, 0, sizeof *out);
    scmp_filter_ctx ctx = seccomp_init(libseccomp_action(dflt, flags));
    if (!ctx) {
        cv_fail_set(f, CV_STEP_SECCOMP, "seccomp_init", ENOMEM, "", "creating the filter");
        return -1;
    }
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    /* No_new_privs is the caller's decision (caps.c), not the loader's. */
    if (rc == 0)
        rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (rc != 0) {
        seccomp_release(ctx);
        return lib_fail(f, "seccomp_attr_set", rc, "filter attributes");
    }
    for (size_t i = 0; i < nrules; i++) {
        const struct cv_sc_rule *r = &rules[i];
        int nr = seccomp_syscall_resolve_name(r->name);
        if (nr == __NR_SCMP_ERROR) {
            seccomp_release(ctx);
            cv_fail_set(f, CV_STEP_SECCOMP, "", EINVAL, "", "unknown system call '%s'", r->name);
            return -1;
        }
        if (nr < 0) { /* a name of other architectures only */
            out->skipped++;
            continue;
        }
        if (r->nconds > CV_SC_MAX_CONDS) {
            seccomp_release(ctx);
            cv_fail_set(f, CV_STEP_SECCOMP, "", E2BIG, "", "rule for '%s' has %u conditions; at most %d",
                        r->name, r->nconds, CV_SC_MAX_CONDS);
            return -1;
        }
        struct scmp_arg_cmp cmp[CV_SC_MAX_CONDS];
        for (unsigned c = 0; c < r->nconds; c++) {
            const struct cv_sc_cond *k = &r->conds[c];
            cmp[c] = (struct scmp_arg_cmp){ .arg = k->arg, .op = libseccomp_op(k->op),
                                            .datum_a = k->op == CV_SC_MASKED_EQ ? k->mask : k->value,
                                            .datum_b = k->op == CV_SC_MASKED_EQ ? k->value : 0 };
        }
        uint32_t action = libseccomp_action(r->action, flags);
        if (action == libseccomp_action(dflt, flags))
            continue; /* libseccomp refuses a rule that repeats the default; it changes nothing */
        rc = seccomp_rule_add_array(ctx, action, nr, r->nconds, cmp);
        if (rc != 0) {
            seccomp_release(ctx);
            char what[96];
            snprintf(what, sizeof what, "rule for '%s'", r->name);
            return lib_fail(f, "seccomp_rule_add", rc, what);
        }
    }
    rc = export_program(ctx, out, f);
    seccomp_release(ctx);
    return rc;
}

int cv_seccomp_load(const struct cv_seccomp *s, struct cv_fail *f)
{
    struct sock_fprog prog = { .len = s->len, .filter = s->insns };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
        return 0;
    if (errno == ENOSYS && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
        return 0;
    cv_fail_set(f, CV_STEP_SECCOMP, "seccomp", errno, "", "loading a filter of %u instructions", s->len);
    return -1;
}

void cv_seccomp_free(struct cv_seccomp *s)
{
    free(s->insns);
    s->insns = NULL;
    s->len = 0;
}

static int parse_number(const char *s, uint64_t *out)
{
    if (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0) {
        if (!s[2])
            return -1;
        uint64_t v = 0;
        for (const char *p = s + 2; *p; p++) {
            int d = (*p >= '0' && *p <= '9') ? *p - '0'
                  : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
                  : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10 : -1;
            if (d < 0 || v >> 60)
                return -1;
            v = v << 4 | (uint64_t)d;
        }
        *out = v;
        return 0;
    }
    return cv_parse_u64(s, out);
}

int cv_seccomp_parse_action(const char *text, struct cv_sc_action *out)
{
    if (strcmp(text, "allow") == 0) {
        *out = (struct cv_sc_action){ CV_SC_ALLOW, 0 };
        return 0;
    }
    if (strcmp(text, "kill") == 0) {
        *out = (struct cv_sc_action){ CV_SC_KILL_PROCESS, 0 };
        return 0;
    }
    if (strcmp(text, "log") == 0) {
        *out = (struct cv_sc_action){ CV_SC_LOG, 0 };
        return 0;
    }
    if (strcmp(text, "errno") == 0) {
        *out = (struct cv_sc_action){ CV_SC_ERRNO, EPERM };
        return 0;
    }
    if (strncmp(text, "errno:", 6) != 0)
        return -1;
    const char *v = text + 6;
    uint64_t n;
    if (cv_parse_u64(v, &n) == 0) {
        if (n < 1 || n > 4095)
            return -1;
        *out = (struct cv_sc_action){ CV_SC_ERRNO, (int)n };
        return 0;
    }
    for (int e = 1; e < 4096; e++) {
        char buf[16];
        const char *name = cv_errno_name(e, buf, sizeof buf);
        if (name != buf && strcmp(name, v) == 0) {
            *out = (struct cv_sc_action){ CV_SC_ERRNO, e };
            return 0;
        }
    }
    return -1;
}

int cv_seccomp_parse_cond(const char *text, struct cv_sc_cond *out)
{
    char buf[96];
    if (strlen(text) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%s", text);
    char *parts[4];
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
        if (n == 4)
            return -1;
        parts[n++] = t;
    }
    uint64_t arg;
    if (n < 3 || cv_parse_u64(parts[0], &arg) != 0 || arg > 5)
        return -1;
    static const struct { const char *name; enum cv_sc_op op; } OPS[] = {
        { "eq", CV_SC_EQ }, { "ne", CV_SC_NE }, { "lt", CV_SC_LT }, { "le", CV_SC_LE },
        { "gt", CV_SC_GT }, { "ge", CV_SC_GE }, { "masked_eq", CV_SC_MASKED_EQ },
    };
    int found = -1;
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
        if (strcmp(parts[1], OPS[i].name) == 0)
            found = (int)i;
    if (found < 0)
        return -1;
    struct cv_sc_cond c = { .arg = (unsigned)arg, .op = OPS[found].op };
    if (c.op == CV_SC_MASKED_EQ) {
        if (n != 4 || parse_number(parts[2], &c.mask) != 0 || parse_number(parts[3], &c.value) != 0)
            return -1;
    } else if (n != 3 || parse_number(parts[2], &c.value) != 0) {
        return -1;
    }
    *out = c;
    return 0;
}

int cv_seccomp_parse_rule(char *const *fields, int nfields, struct cv_sc_rule *out, struct cv_fail *f)
{
    memset(out, 0, sizeof *out);
    if (nfields < 2 || nfields > 2 + CV_SC_MAX_CONDS) {
        cv_fail_set(f, CV_STEP_SECCOMP, "", EINVAL, "", "a rule is <name> <action> and at most %d conditions, not %d fields",
                    CV_SC_MAX_CONDS, nfields);
        return -1;
    }
    if (strlen(fields[0]) >= sizeof out->name) {
        cv_fail_set(f, CV_STEP_SECCOMP, "", ENAMETOOLONG, "", "system call name '%.64s...'", fields[0]);
        return -1;
    }
    snprintf(out->name, sizeof out->name, "%s", fields[0]);
    if (cv_seccomp_parse_action(fields[1], &out->action) != 0) {
        cv_fail_set(f, CV_STEP_SECCOMP, "", EINVAL, "", "rule for '%s': bad action '%.64s'", out->name, fields[1]);
        return -1;
    }
    for (int i = 2; i < nfields; i++) {
        if (cv_seccomp_parse_cond(fields[i], &out->conds[out->nconds]) != 0) {
            cv_fail_set(f, CV_STEP_SECCOMP, "", EINVAL, "", "rule for '%s': bad condition '%.96s'", out->name, fields[i]);
            return -1;
        }
        out->nconds++;
    }
    return 0;
}
