/*
 * plan_directives.c - the plan's directives of the root, the mounts, the lifecycle, cleanup and
 * the network (plan.c reads the lines; plan_userns.c and plan_security.c read the rest).
 *
 * Never: touches the filesystem; it only checks each line's syntax and fills the plan.
 */
#include "plan.h"
#include "plan_parse.h"
#include "util.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

/* One IPv4 address, or "-" for none when optional. */
static int parse_ipv4(struct cv_plan_ctx *c, const char *what, const char *text, int optional, int *has, struct in_addr *out)
{
    *has = 0;
    if (optional && strcmp(text, "-") == 0)
        return 0;
    if (inet_pton(AF_INET, text, out) != 1)
        return cv_plan_perr(c, "veth: %s '%s' is not an IPv4 address%s", what, text, optional ? " or '-'" : "");
    *has = 1;
    return 0;
}

/* veth <host-if> <host-address|-> <container-address> <prefix> <gateway|-> */
static int parse_veth(struct cv_plan_ctx *c, struct cv_plan *p, char **a, int n)
{
    if (cv_plan_arity(c, "veth", n, 5))
        return -1;
    if (p->veth.host_if)
        return cv_plan_perr(c, "directive 'veth' given twice");
    size_t len = strlen(a[0]);
    if (len == 0 || len >= IFNAMSIZ || strchr(a[0], '/') || strcmp(a[0], ".") == 0 || strcmp(a[0], "..") == 0)
        return cv_plan_perr(c, "veth: host interface name '%s' must be 1 to %d characters without '/'", a[0], IFNAMSIZ - 1);
    int has;
    uint64_t prefix;
    if (parse_ipv4(c, "host address", a[1], 1, &p->veth.has_host, &p->veth.host) ||
        parse_ipv4(c, "container address", a[2], 0, &has, &p->veth.container))
        return -1;
    if (cv_parse_u64(a[3], &prefix) != 0 || prefix > 32)
        return cv_plan_perr(c, "veth: prefix '%s' is not a number from 0 to 32", a[3]);
    p->veth.prefix = (unsigned)prefix;
    if (parse_ipv4(c, "gateway", a[4], 1, &p->veth.has_gateway, &p->veth.gateway))
        return -1;
    if (!(p->veth.host_if = strdup(a[0])))
        return cv_plan_oom(c);
    return 0;
}

int cv_plan_directive(struct cv_plan_ctx *c, struct cv_plan *p, char **argv, int argc,
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
            if (cv_plan_arity(c, kw, n, 1))
                return -1;
            if (strs[i].path && cv_plan_check_abs(c, kw, a[0]))
                return -1;
            return cv_plan_set_once_str(c, strs[i].slot, kw, a[0]);
        }
    }

    if (strcmp(kw, "namespaces") == 0) {
        if (*seen_ns)
            return cv_plan_perr(c, "directive '%s' given more than once", kw);
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
                return cv_plan_perr(c, "directive 'namespaces': unknown namespace '%s'", a[i]);
        }
        return 0;
    }
    if (strcmp(kw, "tmpfs-upper") == 0) {
        if (cv_plan_arity(c, kw, n, 2) || cv_plan_check_abs(c, kw, a[0]))
            return -1;
        if (cv_plan_set_once_str(c, &p->tmpfs_upper, kw, a[0]))
            return -1;
        return cv_plan_parse_num(c, kw, a[1], &p->tmpfs_upper_size);
    }
    if (strcmp(kw, "bind") == 0) {
        if (cv_plan_arity(c, kw, n, 3) || cv_plan_check_abs(c, kw, a[0]) || cv_plan_check_abs(c, kw, a[1]))
            return -1;
        int ro;
        if (strcmp(a[2], "ro") == 0)
            ro = 1;
        else if (strcmp(a[2], "rw") == 0)
            ro = 0;
        else
            return cv_plan_perr(c, "directive 'bind': third argument must be 'ro' or 'rw', got '%s'", a[2]);
        struct cv_setup_op *m = cv_plan_add_op(c, p, CV_SETUP_BIND, a[1], a[0]);
        if (!m)
            return -1;
        m->readonly = ro;
        return 0;
    }
    if (strcmp(kw, "tmpfs") == 0) {
        uint64_t size, mode = 0;
        if (cv_plan_arity(c, kw, n, 3) || cv_plan_check_abs(c, kw, a[0]) || cv_plan_parse_num(c, kw, a[1], &size))
            return -1;
        const char *s = a[2];
        if (*s == '\0' || strlen(s) > 4)
            return cv_plan_perr(c, "directive 'tmpfs': mode '%s' is not 1-4 octal digits", s);
        for (; *s; s++) {
            if (*s < '0' || *s > '7')
                return cv_plan_perr(c, "directive 'tmpfs': mode '%s' is not 1-4 octal digits", a[2]);
            mode = mode * 8 + (uint64_t)(*s - '0');
        }
        struct cv_setup_op *m = cv_plan_add_op(c, p, CV_SETUP_TMPFS, a[0], NULL);
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
            if (cv_plan_arity(c, kw, n, 1) || cv_plan_check_abs(c, kw, a[0]))
                return -1;
            return cv_plan_add_op(c, p, single[i].kind, a[0], NULL) ? 0 : -1;
        }
    }
    if (strcmp(kw, "device") == 0) {
        uint64_t major, minor;
        if (cv_plan_arity(c, kw, n, 3) || cv_plan_check_abs(c, kw, a[0]) || cv_plan_parse_num(c, kw, a[1], &major) ||
            cv_plan_parse_num(c, kw, a[2], &minor))
            return -1;
        if (major > 4095 || minor > 1048575)
            return cv_plan_perr(c, "directive 'device': %s:%s is outside major 0..4095, minor 0..1048575", a[1], a[2]);
        struct cv_setup_op *m = cv_plan_add_op(c, p, CV_SETUP_DEVICE, a[0], NULL);
        if (!m)
            return -1;
        m->major = (unsigned)major;
        m->minor = (unsigned)minor;
        return 0;
    }
    if (strcmp(kw, "dev-bind") == 0) {
        if (cv_plan_arity(c, kw, n, 2) || cv_plan_check_abs(c, kw, a[0]) || cv_plan_check_abs(c, kw, a[1]))
            return -1;
        return cv_plan_add_op(c, p, CV_SETUP_DEV_BIND, a[1], a[0]) ? 0 : -1;
    }
    if (strcmp(kw, "overlay-dir") == 0) {
        if (cv_plan_arity(c, kw, n, 3) || cv_plan_check_abs(c, kw, a[0]) || cv_plan_check_abs(c, kw, a[1]) || cv_plan_check_abs(c, kw, a[2]))
            return -1;
        if (strpbrk(a[0], ",:\\") || strpbrk(a[1], ",:\\"))
            return cv_plan_perr(c, "directive 'overlay-dir': an overlay cannot name a path with ',', ':' or '\\'");
        struct cv_setup_op *m = cv_plan_add_op(c, p, CV_SETUP_OVERLAY_DIR, a[2], a[0]);
        if (!m)
            return -1;
        m->aux = strdup(a[1]);
        if (!m->aux) {
            cv_plan_oom(c);
            return -1;
        }
        return 0;
    }
    if (strcmp(kw, "overlay-userxattr") == 0) {
        if (cv_plan_arity(c, kw, n, 0))
            return -1;
        return cv_plan_set_once_flag(c, &p->overlay_userxattr, kw);
    }
    if (strcmp(kw, "root-readonly") == 0) {
        if (cv_plan_arity(c, kw, n, 0))
            return -1;
        return cv_plan_set_once_flag(c, &p->root_readonly, kw);
    }
    if (strcmp(kw, "overlay-volatile") == 0) {
        if (cv_plan_arity(c, kw, n, 0))
            return -1;
        return cv_plan_set_once_flag(c, &p->overlay_volatile, kw);
    }
    if (strcmp(kw, "symlink") == 0) {
        if (cv_plan_arity(c, kw, n, 2) || cv_plan_check_abs(c, kw, a[1]))
            return -1;
        return cv_plan_add_op(c, p, CV_SETUP_SYMLINK, a[1], a[0]) ? 0 : -1;
    }
    if (strcmp(kw, "default-path") == 0) {
        if (cv_plan_arity(c, kw, n, 1))
            return -1;
        return cv_plan_set_once_str(c, &p->default_path, kw, a[0]);
    }
    if (strcmp(kw, "persistent") == 0) {
        if (cv_plan_arity(c, kw, n, 0))
            return -1;
        if (cv_plan_seen_once(c, kw, seen_flags, CV_SEEN_PERSISTENT))
            return -1;
        p->persistent = 1;
        return 0;
    }
    if (strcmp(kw, "stop-grace-ms") == 0 || strcmp(kw, "stream-timeout-ms") == 0) {
        unsigned bit = strcmp(kw, "stop-grace-ms") == 0 ? CV_SEEN_STOP_GRACE : CV_SEEN_STREAM_TIMEOUT;
        if (cv_plan_arity(c, kw, n, 1) || cv_plan_seen_once(c, kw, seen_flags, bit))
            return -1;
        uint64_t v;
        if (cv_plan_parse_num(c, kw, a[0], &v))
            return -1;
        if (v > 86400000ull)
            return cv_plan_perr(c, "directive '%s': value '%s' is above 86400000", kw, a[0]);
        if (bit == CV_SEEN_STOP_GRACE)
            p->stop_grace_ms = v;
        else
            p->stream_timeout_ms = v;
        return 0;
    }
    if (strcmp(kw, "lower") == 0) {
        if (cv_plan_arity(c, kw, n, 1) || cv_plan_check_abs(c, kw, a[0]))
            return -1;
        return cv_plan_push_str(c, &p->lowers, &p->nlowers, a[0]);
    }
    if (strcmp(kw, "cgroup-procs") == 0) {
        if (cv_plan_arity(c, kw, n, 1) || cv_plan_check_abs(c, kw, a[0]))
            return -1;
        return cv_plan_push_str(c, &p->cgroup_procs, &p->ncgroup_procs, a[0]);
    }
    if (strcmp(kw, "cleanup-tree") == 0 || strcmp(kw, "cleanup-rmdir") == 0) {
        if (cv_plan_arity(c, kw, n, 1) || cv_plan_check_abs(c, kw, a[0]))
            return -1;
        if (strcmp(a[0], "/") == 0)
            return cv_plan_perr(c, "directive '%s': refusing to clean up '/'", kw);
        struct cv_cleanup_op *v = cv_plan_grow(p->cleanup, p->ncleanup, sizeof *v);
        if (!v)
            return cv_plan_oom(c);
        p->cleanup = v;
        v[p->ncleanup].kind = kw[8] == 't' ? CV_CLEANUP_TREE : CV_CLEANUP_RMDIR;
        if (!(v[p->ncleanup].path = strdup(a[0])))
            return cv_plan_oom(c);
        p->ncleanup++;
        return 0;
    }
    if (strcmp(kw, "veth") == 0)
        return parse_veth(c, p, a, n);
    int sr = cv_plan_security_directive(c, p, kw, a, n, seen_flags);
    if (sr != 1)
        return sr;
    sr = cv_plan_userns_directive(c, p, kw, a, n, seen_flags);
    if (sr != 1)
        return sr;
    return cv_plan_perr(c, "unknown directive '%s'", kw);
}
