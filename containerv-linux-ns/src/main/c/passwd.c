/*
 * passwd.c - minimal parser of passwd(5) and group(5) files, used to resolve SPAWN users
 * inside the container (docs/linux-helper-protocol.md 5.4).
 *
 * Never: follows NSS configuration, consults the host's files, or switches credentials.
 */
#include "passwd.h"
#include "util.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int is_number(const char *s, unsigned long *out)
{
    uint64_t v;
    if (cv_parse_u64(s, &v) != 0 || v > 0xFFFFFFFEu)
        return 0;
    *out = (unsigned long)v;
    return 1;
}

/* Read a whole (small) regular file; NULL with errno on failure. The files live in the
 * container, where a process could replace them with a FIFO or a device: opening without
 * blocking and refusing anything but a regular file keeps PID 1's event loop responsive. */
static char *slurp(const char *path)
{
    int fd cleanup_fd = CV_RETRY(open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0)
        return NULL;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        return NULL;
    }
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > 64u * 1024 * 1024) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = CV_RETRY(read(fd, buf + len, cap - len - 1));
        if (r < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    return buf;
}

/* Split line into up to max ':'-separated fields (in place). Returns the count. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == ':') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    /* Lines may carry fewer fields than max (a group without members has three). */
    for (int i = n; i < max; i++)
        fields[i] = NULL;
    return n;
}

struct pw {
    char name[256];
    unsigned long uid, gid;
    char home[CV_HOME_MAX];
    int home_too_long;
};

/* Find by name (when name) or by uid. 1 found, 0 not found, -1 error (errno). */
static int find_passwd(const char *path, const char *name, unsigned long uid, struct pw *out)
{
    char *buf cleanup_free = slurp(path);
    if (!buf)
        return errno == ENOENT ? 0 : -1;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[7];
        if (line[0] == '#' || split_fields(line, f, 7) < 4)
            continue;
        unsigned long u, g;
        if (!is_number(f[2], &u) || !is_number(f[3], &g))
            continue;
        if (name ? strcmp(f[0], name) == 0 : u == uid) {
            snprintf(out->name, sizeof out->name, "%s", f[0]);
            out->uid = u;
            out->gid = g;
            const char *home = f[5] && f[5][0] ? f[5] : "/";
            out->home_too_long = strlen(home) >= sizeof out->home;
            snprintf(out->home, sizeof out->home, "%s", out->home_too_long ? "" : home);
            return 1;
        }
    }
    return 0;
}

static int add_group(struct cv_cred *c, gid_t g)
{
    for (size_t i = 0; i < c->ngroups; i++)
        if (c->groups[i] == g)
            return 0;
    if (c->ngroups >= CV_MAX_GROUPS)
        return -1;
    c->groups[c->ngroups++] = g;
    return 0;
}

/* Look up a group by name (returns 1 and *gid) and/or collect memberships of user. */
static int scan_groups(const char *path, const char *group_name, unsigned long *gid,
                       const char *member, struct cv_cred *c)
{
    char *buf cleanup_free = slurp(path);
    int found = 0;
    if (!buf)
        return errno == ENOENT ? 0 : -1;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[4];
        if (line[0] == '#' || split_fields(line, f, 4) < 3)
            continue;
        unsigned long g;
        if (!is_number(f[2], &g))
            continue;
        if (group_name && !found && strcmp(f[0], group_name) == 0) {
            *gid = g;
            found = 1;
        }
        if (member && f[3] && f[3][0]) {
            char *s2 = NULL;
            for (char *m = strtok_r(f[3], ",", &s2); m; m = strtok_r(NULL, ",", &s2)) {
                if (strcmp(m, member) == 0) {
                    if (add_group(c, (gid_t)g) != 0) {
                        errno = E2BIG;
                        return -1;
                    }
                    break;
                }
            }
        }
    }
    return found;
}

int cv_passwd_resolve(const char *spec, const char *passwd_path, const char *group_path,
                    struct cv_cred *out, struct cv_fail *f)
{
    memset(out, 0, sizeof *out);
    strcpy(out->home, "/root");
    if (spec == NULL || spec[0] == '\0')
        return 0;

    char user[512], *group = NULL;
    if (strlen(spec) >= sizeof user) {
        cv_fail_set(f, CV_STEP_USER, "", EINVAL, "", "user spec too long");
        return -1;
    }
    strcpy(user, spec);
    char *colon = strchr(user, ':');
    if (colon) {
        *colon = '\0';
        group = colon + 1;
        if (group[0] == '\0' || strchr(group, ':')) {
            cv_fail_set(f, CV_STEP_USER, "", EINVAL, "", "bad user spec '%s'", spec);
            return -1;
        }
    }
    if (user[0] == '\0') {
        cv_fail_set(f, CV_STEP_USER, "", EINVAL, "", "bad user spec '%s'", spec);
        return -1;
    }

    struct pw pw;
    unsigned long num;
    int numeric = is_number(user, &num);
    int r = find_passwd(passwd_path, numeric ? NULL : user, numeric ? num : 0, &pw);
    if (r < 0) {
        cv_fail_set(f, CV_STEP_USER, "read", errno, passwd_path, "cannot read passwd file");
        return -1;
    }
    if (r == 0 && !numeric) {
        cv_fail_set(f, CV_STEP_USER, "", ENOENT, passwd_path, "no user '%s'", user);
        return -1;
    }
    if (r == 1) {
        out->uid = (uid_t)pw.uid;
        out->gid = (gid_t)pw.gid;
        memcpy(out->home, pw.home, sizeof out->home);
        out->home_too_long = pw.home_too_long;
    } else {
        out->uid = (uid_t)num;
        out->gid = 0;
        strcpy(out->home, num == 0 ? "/root" : "/");
    }

    unsigned long gnum = 0;
    int gnumeric = group ? is_number(group, &gnum) : 0;
    if (group && !gnumeric) {
        int g = scan_groups(group_path, group, &gnum, NULL, NULL);
        if (g < 0) {
            cv_fail_set(f, CV_STEP_GROUP, "read", errno, group_path, "cannot read group file");
            return -1;
        }
        if (g == 0) {
            cv_fail_set(f, CV_STEP_GROUP, "", ENOENT, group_path, "no group '%s'", group);
            return -1;
        }
    }
    if (group)
        out->gid = (gid_t)gnum;

    add_group(out, out->gid);
    if (r == 1) {
        if (scan_groups(group_path, NULL, NULL, pw.name, out) < 0) {
            cv_fail_set(f, CV_STEP_GROUP, "read", errno, group_path, "cannot read group file");
            return -1;
        }
    }
    return 0;
}
