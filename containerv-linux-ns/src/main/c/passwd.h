/*
 * passwd.h - resolution of a SPAWN's user spec ("", "name", "uid", "user:group") into
 * uid, gid and supplementary groups, from the container's own /etc/passwd and /etc/group.
 *
 * Never: uses NSS/getpwnam (a static helper must not load NSS modules) or changes any
 * credentials itself.
 */
#ifndef CV_PASSWD_H
#define CV_PASSWD_H

#include <stddef.h>
#include <sys/types.h>

#include "report.h"

#define CV_MAX_GROUPS 256
#define CV_HOME_MAX 4096

struct cv_cred {
    uid_t uid;
    gid_t gid;
    gid_t groups[CV_MAX_GROUPS];
    size_t ngroups;
    /* The home directory of the user: its passwd entry's ("/" when that field is empty), else "/root" for
     * uid 0 and "/" for any other. Empty when the entry's field does not fit (home_too_long set). */
    char home[CV_HOME_MAX];
    int home_too_long;
};

/* Resolve spec. Returns 0, or -1 with f filled (step "user" or "group"). */
int cv_passwd_resolve(const char *spec, const char *passwd_path, const char *group_path,
                    struct cv_cred *out, struct cv_fail *f);

#endif
