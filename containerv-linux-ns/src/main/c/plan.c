/*
 * plan.c - parser of the launch plan: versioned header, one directive per line, single
 * spaces, percent-encoded arguments; every error names the line and what is wrong.
 *
 * Never: touches the filesystem beyond reading the plan file, and never guesses: an
 * unknown keyword, wrong arity or repeated single-use directive fails the whole plan.
 */
#include "plan.h"
#include "util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ARGS (3 + CV_SC_MAX_CONDS) /* seccomp <name> <action> <cond>... */

struct ctx {
    const char *name;
    unsigned line;
    struct cv_fail *f;
};

static int perr(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int perr(struct ctx *c, const char *fmt, ...)
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

static int set_once_str(struct ctx *c, char **slot, const char *kw, const char *val)
{
    if (*slot)
        return perr(c, "directive '%s' given more than once", kw);
    *slot = strdup(val);
    if (!*slot) {
        cv_fail_set(c->f, CV_STEP_PLAN, "malloc", ENOMEM, c->name, "out of memory");
        return -1;
    }
    return 0;
}

/* A flag directive (no argument) that may be given once. */
static int set_once_flag(struct ctx *c, int *slot, const char *kw)
{
    if (*slot)
        return perr(c, "directive '%s' given more than once", kw);
    *slot = 1;
    return 0;
}

static int check_abs(struct ctx *c, const char *kw, const char *path)
{
    if (path[0] != '/')
        return perr(c, "directive '%s': path '%s' is not absolute", kw, path);
    if (strlen(path) >= PATH_MAX)
        return perr(c, "directive '%s': path too long", kw);
    return 0;
}

static int parse_num(struct ctx *c, const char *kw, const char *s, uint64_t *out)
{
    if (cv_parse_u64(s, out) != 0)
        return perr(c, "directive '%s': '%s' is not an unsigned decimal number", kw, s);
    return 0;
}

static void *grow(void *arr, size_t n, size_t elem)
{
    return realloc(arr, (n + 1) * elem);
}

static int oom(struct ctx *c)
{
    cv_fail_set(c->f, CV_STEP_PLAN, "malloc", ENOMEM, c->name, "out of memory");
    return -1;
}

/* Appends a copy of val to a list of strings (lower, cgroup-procs). */
static int push_str(struct ctx *c, char ***arr, size_t *n, const char *val)
{
    char **v = grow(*arr, *n, sizeof *v);
    if (!v)
        return oom(c);
    *arr = v;
    if (!(v[*n] = strdup(val)))
        return oom(c);
    (*n)++;
    return 0;
}

/* Appends a setup operation with its container path (and source or link text). */
static struct cv_setup_op *add_op(struct ctx *c, struct cv_plan *p, enum cv_setup_kind kind, const char *dst,
                                  const char *src)
{
    struct cv_setup_op *v = grow(p->setup, p->nsetup, sizeof *v);
    if (!v) {
        oom(c);
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
        oom(c);
        return NULL;
    }
    return m;
}

static int arity(struct ctx *c, const char *kw, int have, int want)
{
    if (have != want) {
        char buf[64];
        snprintf(buf, sizeof buf, "%d arguments, got %d", want, have);
        return perr(c, "directive '%s' takes %s", kw, buf);
    }
    return 0;
}

/* One IPv4 address, or "-" for none when optional. */
static int parse_ipv4(struct ctx *c, const char *what, const char *text, int optional, int *has, struct in_addr *out)
{
    *has = 0;
    if (optional && strcmp(text, "-") == 0)
        return 0;
    if (inet_pton(AF_INET, text, out) != 1)
        return perr(c, "veth: %s '%s' is not an IPv4 address%s", what, text, optional ? " or '-'" : "");
    *has = 1;
    return 0;
}

/* veth <host-if> <host-address|-> <container-address> <prefix> <gateway|-> */
static int parse_veth(struct ctx *c, struct cv_plan *p, char **a, int n)
{
    if (arity(c, "veth", n, 5))
        return -1;
    if (p->veth.host_if)
        return perr(c, "directive 'veth' given twice");
    size_t len = strlen(a[0]);
    if (len == 0 || len >= IFNAMSIZ || strchr(a[0], '/') || strcmp(a[0], ".") == 0 || strcmp(a[0], "..") == 0)
        return perr(c, "veth: host interface name '%s' must be 1 to %d characters without '/'", a[0], IFNAMSIZ - 1);
    int has;
    uint64_t prefix;
    if (parse_ipv4(c, "host address", a[1], 1, &p->veth.has_host, &p->veth.host) ||
        parse_ipv4(c, "container address", a[2], 0, &has, &p->veth.container))
        return -1;
    if (cv_parse_u64(a[3], &prefix) != 0 || prefix > 32)
        return perr(c, "veth: prefix '%s' is not a number from 0 to 32", a[3]);
    p->veth.prefix = (unsigned)prefix;
    if (parse_ipv4(c, "gateway", a[4], 1, &p->veth.has_gateway, &p->veth.gateway))
        return -1;
    if (!(p->veth.host_if = strdup(a[0])))
        return oom(c);
    return 0;
}

static int security_directive(struct ctx *c, struct cv_plan *p, const char *kw, char **a, int n,
                              unsigned *seen_flags);
static int userns_directive(struct ctx *c, struct cv_plan *p, const char *kw, char **a, int n,
                            unsigned *seen_flags);

static int directive(struct ctx *c, struct cv_plan *p, char **argv, int argc,
                     unsigned *seen_ns, unsigned *seen_flags)
{
    const char *kw = argv[0];
    int n = argc - 1;
    char **a = argv + 1;

    struct {
        const char *kw;
        char **slot;
        int path;
    } strs[] = {
        { "id", &p->id, 0 },
        { "hostname", &p->hostname, 0 },
        { "state-dir", &p->state_dir, 1 },
        { "control-socket", &p->control_socket, 1 },
        { "rootfs", &p->rootfs, 1 },
        { "upper", &p->upper, 1 },
        { "work", &p->work, 1 },
        { "merged", &p->merged, 1 },
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (strcmp(kw, strs[i].kw) == 0) {
            if (arity(c, kw, n, 1))
                return -1;
            if (strs[i].path && check_abs(c, kw, a[0]))
                return -1;
            return set_once_str(c, strs[i].slot, kw, a[0]);
        }
    }

    if (strcmp(kw, "namespaces") == 0) {
        if (*seen_ns)
            return perr(c, "directive '%s' given more than once", kw);
        *seen_ns = 1;
        for (int i = 0; i < n; i++) {
            if (strcmp(a[i], "net") == 0)
                p->namespaces |= CV_NS_NET;
            else if (strcmp(a[i], "ipc") == 0)
                p->namespaces |= CV_NS_IPC;
            else if (strcmp(a[i], "cgroup") == 0)
                p->namespaces |= CV_NS_CGROUP;
            else if (strcmp(a[i], "pid") == 0 || strcmp(a[i], "mnt") == 0 ||
                     strcmp(a[i], "uts") == 0)
                ; /* always created */
            else
                return perr(c, "directive 'namespaces': unknown namespace '%s'", a[i]);
        }
        return 0;
    }
    if (strcmp(kw, "tmpfs-upper") == 0) {
        if (arity(c, kw, n, 2) || check_abs(c, kw, a[0]))
            return -1;
        if (set_once_str(c, &p->tmpfs_upper, kw, a[0]))
            return -1;
        return parse_num(c, kw, a[1], &p->tmpfs_upper_size);
    }
    if (strcmp(kw, "bind") == 0) {
        if (arity(c, kw, n, 3) || check_abs(c, kw, a[0]) || check_abs(c, kw, a[1]))
            return -1;
        int ro;
        if (strcmp(a[2], "ro") == 0)
            ro = 1;
        else if (strcmp(a[2], "rw") == 0)
            ro = 0;
        else
            return perr(c, "directive 'bind': third argument must be 'ro' or 'rw', got '%s'", a[2]);
        struct cv_setup_op *m = add_op(c, p, CV_SETUP_BIND, a[1], a[0]);
        if (!m)
            return -1;
        m->readonly = ro;
        return 0;
    }
    if (strcmp(kw, "tmpfs") == 0) {
        uint64_t size, mode = 0;
        if (arity(c, kw, n, 3) || check_abs(c, kw, a[0]) || parse_num(c, kw, a[1], &size))
            return -1;
        const char *s = a[2];
        if (*s == '\0' || strlen(s) > 4)
            return perr(c, "directive 'tmpfs': mode '%s' is not 1-4 octal digits", s);
        for (; *s; s++) {
            if (*s < '0' || *s > '7')
                return perr(c, "directive 'tmpfs': mode '%s' is not 1-4 octal digits", a[2]);
            mode = mode * 8 + (uint64_t)(*s - '0');
        }
        struct cv_setup_op *m = add_op(c, p, CV_SETUP_TMPFS, a[0], NULL);
        if (!m)
            return -1;
        m->size = size;
        m->mode = (unsigned)mode;
        return 0;
    }
    static const struct {
        const char *kw;
        enum cv_setup_kind kind;
    } single[] = {
        { "proc", CV_SETUP_PROC }, { "sysfs", CV_SETUP_SYSFS }, { "dev", CV_SETUP_DEV },
        { "devpts", CV_SETUP_DEVPTS }, { "mqueue", CV_SETUP_MQUEUE },
    };
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
        if (strcmp(kw, single[i].kw) == 0) {
            if (arity(c, kw, n, 1) || check_abs(c, kw, a[0]))
                return -1;
            return add_op(c, p, single[i].kind, a[0], NULL) ? 0 : -1;
        }
    }
    if (strcmp(kw, "device") == 0) {
        uint64_t major, minor;
        if (arity(c, kw, n, 3) || check_abs(c, kw, a[0]) || parse_num(c, kw, a[1], &major) ||
            parse_num(c, kw, a[2], &minor))
            return -1;
        if (major > 4095 || minor > 1048575)
            return perr(c, "directive 'device': %s:%s is outside major 0..4095, minor 0..1048575", a[1], a[2]);
        struct cv_setup_op *m = add_op(c, p, CV_SETUP_DEVICE, a[0], NULL);
        if (!m)
            return -1;
        m->major = (unsigned)major;
        m->minor = (unsigned)minor;
        return 0;
    }
    if (strcmp(kw, "dev-bind") == 0) {
        if (arity(c, kw, n, 2) || check_abs(c, kw, a[0]) || check_abs(c, kw, a[1]))
            return -1;
        return add_op(c, p, CV_SETUP_DEV_BIND, a[1], a[0]) ? 0 : -1;
    }
    if (strcmp(kw, "overlay-dir") == 0) {
        if (arity(c, kw, n, 3) || check_abs(c, kw, a[0]) || check_abs(c, kw, a[1]) || check_abs(c, kw, a[2]))
            return -1;
        if (strpbrk(a[0], ",:\\") || strpbrk(a[1], ",:\\"))
            return perr(c, "directive 'overlay-dir': an overlay cannot name a path with ',', ':' or '\\'");
        struct cv_setup_op *m = add_op(c, p, CV_SETUP_OVERLAY_DIR, a[2], a[0]);
        if (!m)
            return -1;
        m->aux = strdup(a[1]);
        if (!m->aux) {
            oom(c);
            return -1;
        }
        return 0;
    }
    if (strcmp(kw, "overlay-userxattr") == 0) {
        if (arity(c, kw, n, 0))
            return -1;
        return set_once_flag(c, &p->overlay_userxattr, kw);
    }
    if (strcmp(kw, "overlay-volatile") == 0) {
        if (arity(c, kw, n, 0))
            return -1;
        return set_once_flag(c, &p->overlay_volatile, kw);
    }
    if (strcmp(kw, "symlink") == 0) {
        if (arity(c, kw, n, 2) || check_abs(c, kw, a[1]))
            return -1;
        return add_op(c, p, CV_SETUP_SYMLINK, a[1], a[0]) ? 0 : -1;
    }
    if (strcmp(kw, "default-path") == 0) {
        if (arity(c, kw, n, 1))
            return -1;
        return set_once_str(c, &p->default_path, kw, a[0]);
    }
    if (strcmp(kw, "persistent") == 0) {
        if (arity(c, kw, n, 0))
            return -1;
        if (*seen_flags & 1)
            return perr(c, "directive '%s' given more than once", kw);
        *seen_flags |= 1;
        p->persistent = 1;
        return 0;
    }
    if (strcmp(kw, "stop-grace-ms") == 0 || strcmp(kw, "stream-timeout-ms") == 0) {
        unsigned bit = strcmp(kw, "stop-grace-ms") == 0 ? 2 : 4;
        if (arity(c, kw, n, 1))
            return -1;
        if (*seen_flags & bit)
            return perr(c, "directive '%s' given more than once", kw);
        *seen_flags |= bit;
        uint64_t v;
        if (parse_num(c, kw, a[0], &v))
            return -1;
        if (v > 86400000ull)
            return perr(c, "directive '%s': value '%s' is above 86400000", kw, a[0]);
        if (bit == 2)
            p->stop_grace_ms = v;
        else
            p->stream_timeout_ms = v;
        return 0;
    }
    if (strcmp(kw, "lower") == 0) {
        if (arity(c, kw, n, 1) || check_abs(c, kw, a[0]))
            return -1;
        return push_str(c, &p->lowers, &p->nlowers, a[0]);
    }
    if (strcmp(kw, "cgroup-procs") == 0) {
        if (arity(c, kw, n, 1) || check_abs(c, kw, a[0]))
            return -1;
        return push_str(c, &p->cgroup_procs, &p->ncgroup_procs, a[0]);
    }
    if (strcmp(kw, "cleanup-tree") == 0 || strcmp(kw, "cleanup-rmdir") == 0) {
        if (arity(c, kw, n, 1) || check_abs(c, kw, a[0]))
            return -1;
        if (strcmp(a[0], "/") == 0)
            return perr(c, "directive '%s': refusing to clean up '/'", kw);
        struct cv_cleanup_op *v = grow(p->cleanup, p->ncleanup, sizeof *v);
        if (!v)
            return oom(c);
        p->cleanup = v;
        v[p->ncleanup].kind = kw[8] == 't' ? CV_CLEANUP_TREE : CV_CLEANUP_RMDIR;
        if (!(v[p->ncleanup].path = strdup(a[0])))
            return oom(c);
        p->ncleanup++;
        return 0;
    }
    if (strcmp(kw, "veth") == 0)
        return parse_veth(c, p, a, n);
    int sr = security_directive(c, p, kw, a, n, seen_flags);
    if (sr != 1)
        return sr;
    sr = userns_directive(c, p, kw, a, n, seen_flags);
    if (sr != 1)
        return sr;
    return perr(c, "unknown directive '%s'", kw);
}

/* uid-map, gid-map, setgroups, userns-self, newuidmap, newgidmap, idmap-lower, bind-idmap. 1 when kw is none of them. */
static int userns_directive(struct ctx *c, struct cv_plan *p, const char *kw, char **a, int n,
                            unsigned *seen_flags)
{
    if (strcmp(kw, "uid-map") == 0 || strcmp(kw, "gid-map") == 0) {
        int uid = kw[0] == 'u';
        uint64_t v[3];
        if (arity(c, kw, n, 3) || parse_num(c, kw, a[0], &v[0]) || parse_num(c, kw, a[1], &v[1]) ||
            parse_num(c, kw, a[2], &v[2]))
            return -1;
        /* (uid_t)-1 is never an id, so a range ends at 4294967295 exclusive on both sides. */
        if (v[2] == 0 || v[0] >= 0xFFFFFFFFull || v[1] >= 0xFFFFFFFFull || v[2] > 0xFFFFFFFFull - v[0] ||
            v[2] > 0xFFFFFFFFull - v[1])
            return perr(c, "directive '%s': %s %s %s is not a range of 1 or more ids below 4294967295", kw, a[0],
                        a[1], a[2]);
        struct cv_id_range **arr = uid ? &p->uid_map : &p->gid_map;
        size_t *cnt = uid ? &p->nuid_map : &p->ngid_map;
        if (*cnt >= CV_MAX_ID_RANGES)
            return perr(c, "directive '%s': more than %d lines", kw, CV_MAX_ID_RANGES);
        for (size_t i = 0; i < *cnt; i++) {
            const struct cv_id_range *o = &(*arr)[i];
            if ((v[0] < (uint64_t)o->inside + o->count && o->inside < v[0] + v[2]) ||
                (v[1] < (uint64_t)o->outside + o->count && o->outside < v[1] + v[2]))
                return perr(c, "directive '%s': %s %s %s overlaps %u %u %u", kw, a[0], a[1], a[2], o->inside,
                            o->outside, o->count);
        }
        struct cv_id_range *g = grow(*arr, *cnt, sizeof *g);
        if (!g)
            return oom(c);
        *arr = g;
        g[*cnt] = (struct cv_id_range){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2] };
        (*cnt)++;
        return 0;
    }
    if (strcmp(kw, "setgroups") == 0) {
        if (arity(c, kw, n, 1))
            return -1;
        if (*seen_flags & 16)
            return perr(c, "directive '%s' given more than once", kw);
        *seen_flags |= 16;
        if (strcmp(a[0], "allow") != 0 && strcmp(a[0], "deny") != 0)
            return perr(c, "directive 'setgroups': argument must be 'allow' or 'deny', got '%s'", a[0]);
        p->setgroups_deny = a[0][0] == 'd';
        return 0;
    }
    if (strcmp(kw, "userns-self") == 0) {
        if (arity(c, kw, n, 0))
            return -1;
        return set_once_flag(c, &p->userns_self, kw);
    }
    if (strcmp(kw, "newuidmap") == 0 || strcmp(kw, "newgidmap") == 0) {
        if (arity(c, kw, n, 1) || check_abs(c, kw, a[0]))
            return -1;
        return set_once_str(c, kw[3] == 'u' ? &p->newuidmap : &p->newgidmap, kw, a[0]);
    }
    if (strcmp(kw, "idmap-lower") == 0) {
        if (arity(c, kw, n, 0))
            return -1;
        p->idmap_lower = 1;
        return 0;
    }
    if (strcmp(kw, "bind-idmap") == 0) {
        if (arity(c, kw, n, 2) || check_abs(c, kw, a[0]) || check_abs(c, kw, a[1]))
            return -1;
        struct cv_setup_op *m = add_op(c, p, CV_SETUP_BIND_IDMAP, a[1], a[0]);
        if (!m)
            return -1;
        m->readonly = 1;
        return 0;
    }
    return 1;
}

static int maps_id_zero(const struct cv_id_range *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].inside == 0)
            return 1;
    return 0;
}

int cv_plan_has_userns(const struct cv_plan *p)
{
    return p->nuid_map > 0;
}

static int check_userns(struct ctx *c, struct cv_plan *p, unsigned seen_flags)
{
    if ((p->nuid_map > 0) != (p->ngid_map > 0))
        return perr(c, "'uid-map' and 'gid-map' come together (a user namespace needs both)");
    int idmapped_binds = 0;
    for (size_t i = 0; i < p->nsetup; i++)
        idmapped_binds |= p->setup[i].kind == CV_SETUP_BIND_IDMAP;
    if (p->nuid_map == 0) {
        if ((seen_flags & 16) || p->idmap_lower || idmapped_binds || p->userns_self || p->newuidmap || p->newgidmap)
            return perr(c, "'setgroups', 'idmap-lower', 'bind-idmap', 'userns-self', 'newuidmap' and 'newgidmap' need 'uid-map'"
                           " and 'gid-map'");
        return 0;
    }
    /* The tools write setgroups themselves ("allow" once a subordinate gid range is mapped). */
    if ((p->newuidmap != NULL) != (p->newgidmap != NULL) || (p->newuidmap && !p->userns_self))
        return perr(c, "'newuidmap' and 'newgidmap' come together and need 'userns-self'");
    if (p->newuidmap && (seen_flags & 16))
        return perr(c, "'setgroups' is written by newgidmap with 'newuidmap' and 'newgidmap'");
    /* A normal user cannot idmap a mount of the host's (that needs CAP_SYS_ADMIN where it was mounted). */
    if (p->userns_self && (p->idmap_lower || idmapped_binds))
        return perr(c, "'userns-self' excludes 'idmap-lower' and 'bind-idmap'");
    /* The init becomes uid and gid 0 of the namespace before it serves any request. */
    if (!maps_id_zero(p->uid_map, p->nuid_map) || !maps_id_zero(p->gid_map, p->ngid_map))
        return perr(c, "'uid-map' and 'gid-map' must each map container id 0");
    return 0;
}

/* caps, no-new-privs, landlock, landlock-scope, seccomp-default, seccomp, seccomp-log, mask, readonly. 1 when kw is none of them. */
static int security_directive(struct ctx *c, struct cv_plan *p, const char *kw, char **a, int n,
                              unsigned *seen_flags)
{
    if (strcmp(kw, "mask") == 0 || strcmp(kw, "readonly") == 0) {
        if (arity(c, kw, n, 1) || check_abs(c, kw, a[0]))
            return -1;
        return add_op(c, p, kw[0] == 'm' ? CV_SETUP_MASK : CV_SETUP_READONLY, a[0], NULL) ? 0 : -1;
    }
    if (strcmp(kw, "caps") == 0) {
        if (arity(c, kw, n, 5))
            return -1;
        if (p->has_caps)
            return perr(c, "directive '%s' given more than once", kw);
        uint64_t *sets[5] = { &p->caps.bounding, &p->caps.permitted, &p->caps.effective, &p->caps.inheritable,
                              &p->caps.ambient };
        for (int i = 0; i < 5; i++) {
            if (cv_caps_parse_list(a[i], sets[i], CV_STEP_PLAN, c->f) != 0)
                return perr(c, "directive 'caps': %s", c->f->detail);
        }
        p->has_caps = 1;
        return 0;
    }
    if (strcmp(kw, "seccomp-default") == 0) {
        if (arity(c, kw, n, 1))
            return -1;
        if (*seen_flags & 8)
            return perr(c, "directive '%s' given more than once", kw);
        *seen_flags |= 8;
        if (cv_seccomp_parse_action(a[0], &p->seccomp_default) != 0)
            return perr(c, "directive '%s': bad action '%s'", kw, a[0]);
        p->has_seccomp = 1;
        return 0;
    }
    if (strcmp(kw, "landlock") == 0) {
        if (arity(c, kw, n, 2) || check_abs(c, kw, a[1]))
            return -1;
        if (strcmp(a[0], "ro") != 0 && strcmp(a[0], "rw") != 0)
            return perr(c, "directive 'landlock': first argument must be 'ro' or 'rw', got '%s'", a[0]);
        struct cv_landlock_rule *v = grow(p->landlock, p->nlandlock, sizeof *v);
        if (!v)
            return oom(c);
        p->landlock = v;
        v[p->nlandlock].writable = a[0][1] == 'w';
        if (!(v[p->nlandlock].path = strdup(a[1])))
            return oom(c);
        p->nlandlock++;
        return 0;
    }
    if (strcmp(kw, "landlock-scope") == 0) {
        if (arity(c, kw, n, 1))
            return -1;
        if (strcmp(a[0], "abstract-unix") != 0)
            return perr(c, "directive 'landlock-scope': the only scope is 'abstract-unix', got '%s'", a[0]);
        p->scope_abstract_unix = 1;
        return 0;
    }
    if (strcmp(kw, "no-new-privs") == 0) {
        if (arity(c, kw, n, 0))
            return -1;
        p->no_new_privs = 1;
        return 0;
    }
    if (strcmp(kw, "seccomp-log") == 0) {
        if (arity(c, kw, n, 0))
            return -1;
        p->seccomp_log = 1;
        p->has_seccomp = 1;
        return 0;
    }
    if (strcmp(kw, "seccomp") == 0) {
        if (n < 2)
            return perr(c, "directive 'seccomp' takes <name> <action> [<cond>...], got %d arguments", n);
        struct cv_sc_rule *v = grow(p->seccomp_rules, p->nseccomp_rules, sizeof *v);
        if (!v)
            return oom(c);
        p->seccomp_rules = v;
        if (cv_seccomp_parse_rule(a, n, &v[p->nseccomp_rules], c->f) != 0)
            return perr(c, "directive 'seccomp': %s", c->f->detail);
        p->nseccomp_rules++;
        p->has_seccomp = 1;
        return 0;
    }
    return 1;
}

static int check_complete(struct ctx *c, struct cv_plan *p)
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
            return perr(c, "required directive '%s' is missing", req[i].kw);
    if (p->veth.host_if && !(p->namespaces & CV_NS_NET))
        return perr(c, "'veth' needs 'namespaces' to include net");
    if (p->tmpfs_upper && (p->upper || p->work))
        return perr(c, "'tmpfs-upper' excludes 'upper' and 'work'");
    if (!p->tmpfs_upper && (!p->upper || !p->work))
        return perr(c, "either 'upper' and 'work' or 'tmpfs-upper' is required");
    size_t hl = strlen(p->hostname);
    if (hl == 0 || hl > 64)
        return perr(c, "hostname must be 1 to 64 bytes");
    if (strlen(p->control_socket) > 107)
        return perr(c, "control-socket path longer than 107 bytes");
    return 0;
}

int cv_plan_parse(const char *text, size_t len, const char *name, struct cv_plan *out,
                  struct cv_fail *f)
{
    struct ctx c = { name, 0, f };
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
            return oom(&c);
        memcpy(line, text + pos, ll);
        line[ll] = '\0';
        pos = end + 1;

        if (memchr(text + (pos - 1 - ll), '\0', ll)) {
            free(line);
            perr(&c, "NUL byte in line");
            goto fail;
        }
        if (!header_seen) {
            header_seen = 1;
            char header[32];
            snprintf(header, sizeof header, "containerv-plan %d", CV_PLAN_VERSION);
            if (strcmp(line, header) != 0) {
                int is_plan = strncmp(line, "containerv-plan ", 16) == 0;
                if (is_plan)
                    perr(&c, "unsupported plan version '%s' (this helper reads version %d)", line + 16,
                         CV_PLAN_VERSION);
                else
                    perr(&c, "first line must be 'containerv-plan %d', got '%s'", CV_PLAN_VERSION, line);
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
            perr(&c, bad == 1 ? "empty field (leading, trailing or double space)" : "too many arguments");
            free(line);
            goto fail;
        }
        for (int i = 1; i < argc; i++) {
            size_t at;
            if (cv_pct_decode(argv[i], &at) != 0) {
                char buf[32];
                snprintf(buf, sizeof buf, "%d", i);
                perr(&c, "argument %s: bad percent-encoding (or %%00) in '%s'", buf, argv[i]);
                free(line);
                goto fail;
            }
        }
        int r = directive(&c, out, argv, argc, &seen_ns, &seen_flags);
        free(line);
        if (r)
            goto fail;
    }
    if (!header_seen) {
        c.line = 1;
        perr(&c, "empty plan");
        goto fail;
    }
    if (check_complete(&c, out) || check_userns(&c, out, seen_flags))
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
