/*
 * plan.c - parser of the launch plan: versioned header, one directive per line, single
 * spaces, percent-encoded arguments; every error names the line and what is wrong. The
 * directives themselves are read by plan_directives.c (root, mounts, lifecycle, network),
 * plan_userns.c and plan_security.c, with the helpers below (plan_parse.h).
 *
 * Never: touches the filesystem beyond reading the plan file, and never guesses: an
 * unknown keyword, wrong arity or repeated single-use directive fails the whole plan.
 */
#include "plan.h"
#include "plan_parse.h"
#include "util.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ARGS (3 + CV_SC_MAX_CONDS) /* seccomp <name> <action> <cond>... */

int cv_plan_perr(struct cv_plan_ctx *c, const char *fmt, ...)
{
    char where[CV_PATH_MAX];
    char detail[512];
    snprintf(where, sizeof where, "%s:%u", c->name, c->line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    cv_fail_set(c->f, CV_STEP_PLAN, "", EINVAL, where, "%s", detail);
    return -1;
}

int cv_plan_set_once_str(struct cv_plan_ctx *c, char **slot, const char *kw, const char *val)
{
    if (*slot)
        return cv_plan_perr(c, "directive '%s' given more than once", kw);
    *slot = strdup(val);
    if (!*slot) {
        cv_fail_set(c->f, CV_STEP_PLAN, "malloc", ENOMEM, c->name, "out of memory");
        return -1;
    }
    return 0;
}

int cv_plan_seen_once(struct cv_plan_ctx *c, const char *kw, unsigned *seen_flags, unsigned bit)
{
    if (*seen_flags & bit)
        return cv_plan_perr(c, "directive '%s' given more than once", kw);
    *seen_flags |= bit;
    return 0;
}

/* A flag directive (no argument) that may be given once. */
int cv_plan_set_once_flag(struct cv_plan_ctx *c, int *slot, const char *kw)
{
    if (*slot)
        return cv_plan_perr(c, "directive '%s' given more than once", kw);
    *slot = 1;
    return 0;
}

int cv_plan_check_abs(struct cv_plan_ctx *c, const char *kw, const char *path)
{
    if (path[0] != '/')
        return cv_plan_perr(c, "directive '%s': path '%s' is not absolute", kw, path);
    if (strlen(path) >= PATH_MAX)
        return cv_plan_perr(c, "directive '%s': path too long", kw);
    return 0;
}

int cv_plan_parse_num(struct cv_plan_ctx *c, const char *kw, const char *s, uint64_t *out)
{
    if (cv_parse_u64(s, out) != 0)
        return cv_plan_perr(c, "directive '%s': '%s' is not an unsigned decimal number", kw, s);
    return 0;
}

void *cv_plan_grow(void *arr, size_t n, size_t elem)
{
    return realloc(arr, (n + 1) * elem);
}

int cv_plan_oom(struct cv_plan_ctx *c)
{
    cv_fail_set(c->f, CV_STEP_PLAN, "malloc", ENOMEM, c->name, "out of memory");
    return -1;
}

/* Appends a copy of val to a list of strings (lower, cgroup-procs). */
int cv_plan_push_str(struct cv_plan_ctx *c, char ***arr, size_t *n, const char *val)
{
    char **v = cv_plan_grow(*arr, *n, sizeof *v);
    if (!v)
        return cv_plan_oom(c);
    *arr = v;
    if (!(v[*n] = strdup(val)))
        return cv_plan_oom(c);
    (*n)++;
    return 0;
}

/* Appends a setup operation with its container path (and source or link text). */
struct cv_setup_op *cv_plan_add_op(struct cv_plan_ctx *c, struct cv_plan *p, enum cv_setup_kind kind, const char *dst,
                                  const char *src)
{
    struct cv_setup_op *v = cv_plan_grow(p->setup, p->nsetup, sizeof *v);
    if (!v) {
        cv_plan_oom(c);
        return NULL;
    }
    p->setup = v;
    struct cv_setup_op *m = &v[p->nsetup];
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->dst = strdup(dst);
    m->src = src ? strdup(src) : NULL;
    p->nsetup++;
    if (!m->dst || (src && !m->src)) {
        cv_plan_oom(c);
        return NULL;
    }
    return m;
}

int cv_plan_arity(struct cv_plan_ctx *c, const char *kw, int have, int want)
{
    if (have != want) {
        char buf[64];
        snprintf(buf, sizeof buf, "%d arguments, got %d", want, have);
        return cv_plan_perr(c, "directive '%s' takes %s", kw, buf);
    }
    return 0;
}
static int check_complete(struct cv_plan_ctx *c, struct cv_plan *p)
{
    c->line = 0;
    const struct {
        const char *kw;
        const char *val;
    } req[] = {
        { "id", p->id }, { "hostname", p->hostname }, { "state-dir", p->state_dir },
        { "control-socket", p->control_socket }, { "rootfs", p->rootfs }, { "merged", p->merged },
    };
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
        if (!req[i].val)
            return cv_plan_perr(c, "required directive '%s' is missing", req[i].kw);
    if (p->veth.host_if && !(p->namespaces & CV_NS_NET))
        return cv_plan_perr(c, "'veth' needs 'namespaces' to include net");
    if (p->tmpfs_upper && (p->upper || p->work))
        return cv_plan_perr(c, "'tmpfs-upper' excludes 'upper' and 'work'");
    if (p->root_readonly && (p->upper || p->work))
        return cv_plan_perr(c, "'root-readonly' excludes 'upper' and 'work' (a read-only root has no writable layer on disk)");
    if (!p->root_readonly && !p->tmpfs_upper && (!p->upper || !p->work))
        return cv_plan_perr(c, "either 'upper' and 'work' or 'tmpfs-upper' is required (or 'root-readonly')");
    size_t hl = strlen(p->hostname);
    if (hl == 0 || hl > 64)
        return cv_plan_perr(c, "hostname must be 1 to 64 bytes");
    if (strlen(p->control_socket) > 107)
        return cv_plan_perr(c, "control-socket path longer than 107 bytes");
    return 0;
}

int cv_plan_parse(const char *text, size_t len, const char *name, struct cv_plan *out,
                  struct cv_fail *f)
{
    struct cv_plan_ctx c = { name, 0, f };
    memset(out, 0, sizeof *out);
    out->stop_grace_ms = 10000;
    out->stream_timeout_ms = 10000;
    unsigned seen_ns = 0, seen_flags = 0;
    size_t pos = 0;
    int header_seen = 0;

    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        c.line++;
        size_t ll = end - pos;
        char *line = malloc(ll + 1);
        if (!line)
            return cv_plan_oom(&c);
        memcpy(line, text + pos, ll);
        line[ll] = '\0';
        pos = end + 1;

        if (memchr(text + (pos - 1 - ll), '\0', ll)) {
            free(line);
            cv_plan_perr(&c, "NUL byte in line");
            goto fail;
        }
        if (!header_seen) {
            header_seen = 1;
            char header[32];
            snprintf(header, sizeof header, "containerv-plan %d", CV_PLAN_VERSION);
            if (strcmp(line, header) != 0) {
                int is_plan = strncmp(line, "containerv-plan ", 16) == 0;
                if (is_plan)
                    cv_plan_perr(&c, "unsupported plan version '%s' (this helper reads version %d)", line + 16,
                         CV_PLAN_VERSION);
                else
                    cv_plan_perr(&c, "first line must be 'containerv-plan %d', got '%s'", CV_PLAN_VERSION, line);
                free(line);
                goto fail;
            }
            free(line);
            continue;
        }
        if (ll == 0 || line[0] == '#') {
            free(line);
            continue;
        }
        char *argv[MAX_ARGS + 1];
        int argc = 0;
        char *s = line;
        int bad = 0;
        for (;;) {
            char *sp = strchr(s, ' ');
            if (sp)
                *sp = '\0';
            if (*s == '\0') {
                bad = 1;
                break;
            }
            if (argc == MAX_ARGS) {
                bad = 2;
                break;
            }
            argv[argc++] = s;
            if (!sp)
                break;
            s = sp + 1;
        }
        if (bad) {
            cv_plan_perr(&c, bad == 1 ? "empty field (leading, trailing or double space)" : "too many arguments");
            free(line);
            goto fail;
        }
        for (int i = 1; i < argc; i++) {
            size_t at;
            if (cv_pct_decode(argv[i], &at) != 0) {
                char buf[32];
                snprintf(buf, sizeof buf, "%d", i);
                cv_plan_perr(&c, "argument %s: bad percent-encoding (or %%00) in '%s'", buf, argv[i]);
                free(line);
                goto fail;
            }
        }
        int r = cv_plan_directive(&c, out, argv, argc, &seen_ns, &seen_flags);
        free(line);
        if (r)
            goto fail;
    }
    if (!header_seen) {
        c.line = 1;
        cv_plan_perr(&c, "empty plan");
        goto fail;
    }
    if (check_complete(&c, out) || cv_plan_check_userns(&c, out, seen_flags))
        goto fail;
    return 0;
fail:
    cv_plan_free(out);
    return -1;
}

int cv_plan_load(const char *path, struct cv_plan *out, struct cv_fail *f)
{
    memset(out, 0, sizeof *out);
    int fd cleanup_fd = CV_RETRY(open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_PLAN, "open", errno, path, "cannot open plan");
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cv_fail_set(f, CV_STEP_PLAN, "fstat", errno, path, NULL);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > 16 * 1024 * 1024) {
        cv_fail_set(f, CV_STEP_PLAN, "fstat", EINVAL, path, "plan is not a regular file below 16 MiB");
        return -1;
    }
    char *buf cleanup_free = malloc((size_t)st.st_size + 1);
    if (!buf) {
        cv_fail_set(f, CV_STEP_PLAN, "malloc", ENOMEM, path, NULL);
        return -1;
    }
    ssize_t n = cv_read_full(fd, buf, (size_t)st.st_size);
    if (n < 0) {
        cv_fail_set(f, CV_STEP_PLAN, "read", errno, path, NULL);
        return -1;
    }
    return cv_plan_parse(buf, (size_t)n, path, out, f);
}

void cv_plan_free(struct cv_plan *p)
{
    free(p->id);
    free(p->hostname);
    free(p->state_dir);
    free(p->control_socket);
    free(p->rootfs);
    for (size_t i = 0; i < p->nlowers; i++)
        free(p->lowers[i]);
    free(p->lowers);
    free(p->upper);
    free(p->work);
    free(p->tmpfs_upper);
    free(p->merged);
    free(p->default_path);
    free(p->newuidmap);
    free(p->newgidmap);
    for (size_t i = 0; i < p->nsetup; i++) {
        free(p->setup[i].src);
        free(p->setup[i].dst);
        free(p->setup[i].aux);
    }
    free(p->setup);
    for (size_t i = 0; i < p->ncgroup_procs; i++)
        free(p->cgroup_procs[i]);
    free(p->cgroup_procs);
    free(p->veth.host_if);
    for (size_t i = 0; i < p->ncleanup; i++)
        free(p->cleanup[i].path);
    free(p->cleanup);
    free(p->seccomp_rules);
    for (size_t i = 0; i < p->nlandlock; i++)
        free(p->landlock[i].path);
    free(p->landlock);
    free(p->uid_map);
    free(p->gid_map);
    memset(p, 0, sizeof *p);
}
