/*
 * plan_userns.c - the plan's user-namespace directives (uid-map, gid-map, setgroups, userns-self,
 * newuidmap, newgidmap, idmap-lower, bind-idmap) and how they must fit together.
 *
 * Never: writes a map; userns.c does, from what is parsed here.
 */
#include "plan.h"
#include "plan_parse.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* uid-map, gid-map, setgroups, userns-self, newuidmap, newgidmap, idmap-lower, bind-idmap. 1 when kw is none of them. */
int cv_plan_userns_directive(struct cv_plan_ctx *c, struct cv_plan *p, const char *kw, char **a, int n,
                            unsigned *seen_flags)
{
    if (strcmp(kw, "uid-map") == 0 || strcmp(kw, "gid-map") == 0) {
        int uid = kw[0] == 'u';
        uint64_t v[3];
        if (cv_plan_arity(c, kw, n, 3) || cv_plan_parse_num(c, kw, a[0], &v[0]) || cv_plan_parse_num(c, kw, a[1], &v[1]) ||
            cv_plan_parse_num(c, kw, a[2], &v[2]))
            return -1;
        /* (uid_t)-1 is never an id, so a range ends at 4294967295 exclusive on both sides. */
        if (v[2] == 0 || v[0] >= 0xFFFFFFFFull || v[1] >= 0xFFFFFFFFull || v[2] > 0xFFFFFFFFull - v[0] ||
            v[2] > 0xFFFFFFFFull - v[1])
            return cv_plan_perr(c, "directive '%s': %s %s %s is not a range of 1 or more ids below 4294967295", kw, a[0],
                        a[1], a[2]);
        struct cv_id_range **arr = uid ? &p->uid_map : &p->gid_map;
        size_t *cnt = uid ? &p->nuid_map : &p->ngid_map;
        if (*cnt >= CV_MAX_ID_RANGES)
            return cv_plan_perr(c, "directive '%s': more than %d lines", kw, CV_MAX_ID_RANGES);
        for (size_t i = 0; i < *cnt; i++) {
            const struct cv_id_range *o = &(*arr)[i];
            if ((v[0] < (uint64_t)o->inside + o->count && o->inside < v[0] + v[2]) ||
                (v[1] < (uint64_t)o->outside + o->count && o->outside < v[1] + v[2]))
                return cv_plan_perr(c, "directive '%s': %s %s %s overlaps %u %u %u", kw, a[0], a[1], a[2], o->inside,
                            o->outside, o->count);
        }
        struct cv_id_range *g = cv_plan_grow(*arr, *cnt, sizeof *g);
        if (!g)
            return cv_plan_oom(c);
        *arr = g;
        g[*cnt] = (struct cv_id_range){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2] };
        (*cnt)++;
        return 0;
    }
    if (strcmp(kw, "setgroups") == 0) {
        if (cv_plan_arity(c, kw, n, 1) || cv_plan_seen_once(c, kw, seen_flags, CV_SEEN_SETGROUPS))
            return -1;
        if (strcmp(a[0], "allow") != 0 && strcmp(a[0], "deny") != 0)
            return cv_plan_perr(c, "directive 'setgroups': argument must be 'allow' or 'deny', got '%s'", a[0]);
        p->setgroups_deny = a[0][0] == 'd';
        return 0;
    }
    if (strcmp(kw, "userns-self") == 0) {
        if (cv_plan_arity(c, kw, n, 0))
            return -1;
        return cv_plan_set_once_flag(c, &p->userns_self, kw);
    }
    if (strcmp(kw, "newuidmap") == 0 || strcmp(kw, "newgidmap") == 0) {
        if (cv_plan_arity(c, kw, n, 1) || cv_plan_check_abs(c, kw, a[0]))
            return -1;
        return cv_plan_set_once_str(c, kw[3] == 'u' ? &p->newuidmap : &p->newgidmap, kw, a[0]);
    }
    if (strcmp(kw, "idmap-lower") == 0) {
        if (cv_plan_arity(c, kw, n, 0))
            return -1;
        p->idmap_lower = 1;
        return 0;
    }
    if (strcmp(kw, "bind-idmap") == 0) {
        if (cv_plan_arity(c, kw, n, 2) || cv_plan_check_abs(c, kw, a[0]) || cv_plan_check_abs(c, kw, a[1]))
            return -1;
        struct cv_setup_op *m = cv_plan_add_op(c, p, CV_SETUP_BIND_IDMAP, a[1], a[0]);
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

int cv_plan_check_userns(struct cv_plan_ctx *c, struct cv_plan *p, unsigned seen_flags)
{
    if ((p->nuid_map > 0) != (p->ngid_map > 0))
        return cv_plan_perr(c, "'uid-map' and 'gid-map' come together (a user namespace needs both)");
    int idmapped_binds = 0;
    for (size_t i = 0; i < p->nsetup; i++)
        idmapped_binds |= p->setup[i].kind == CV_SETUP_BIND_IDMAP;
    if (p->nuid_map == 0) {
        if ((seen_flags & CV_SEEN_SETGROUPS) || p->idmap_lower || idmapped_binds || p->userns_self || p->newuidmap || p->newgidmap)
            return cv_plan_perr(c, "'setgroups', 'idmap-lower', 'bind-idmap', 'userns-self', 'newuidmap' and 'newgidmap' need 'uid-map'"
                           " and 'gid-map'");
        return 0;
    }
    /* The tools write setgroups themselves ("allow" once a subordinate gid range is mapped). */
    if ((p->newuidmap != NULL) != (p->newgidmap != NULL) || (p->newuidmap && !p->userns_self))
        return cv_plan_perr(c, "'newuidmap' and 'newgidmap' come together and need 'userns-self'");
    if (p->newuidmap && (seen_flags & CV_SEEN_SETGROUPS))
        return cv_plan_perr(c, "'setgroups' is written by newgidmap with 'newuidmap' and 'newgidmap'");
    /* A normal user cannot idmap a mount of the host's (that needs CAP_SYS_ADMIN where it was mounted). */
    if (p->userns_self && (p->idmap_lower || idmapped_binds))
        return cv_plan_perr(c, "'userns-self' excludes 'idmap-lower' and 'bind-idmap'");
    /* The init becomes uid and gid 0 of the namespace before it serves any request. */
    if (!maps_id_zero(p->uid_map, p->nuid_map) || !maps_id_zero(p->gid_map, p->ngid_map))
        return cv_plan_perr(c, "'uid-map' and 'gid-map' must each map container id 0");
    return 0;
}
