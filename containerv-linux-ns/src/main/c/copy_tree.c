/*
 * copy_tree.c - the walk of one copy (copy_tree.h): regular files, directories by an iterative
 * walk bounded by CV_COPY_MAX_DEPTH, symlinks as symlinks, modes, owners and mtimes kept. Below
 * the top, directories merge, an existing non-directory is unlinked and replaced by a file or
 * link (never written through), and a directory never replaces a non-directory nor a
 * non-directory a directory (ENOTDIR, EISDIR). Downloads drop setuid/setgid bits and leave the
 * copies owned by the caller unless --keep-owners; uploads keep the host file's owner, or take
 * the run's owner (--owner-of-parent).
 *
 * Never: follows a symlink inside the copied tree or at the final component (openat per entry,
 * O_NOFOLLOW, AT_SYMLINK_NOFOLLOW), recurses on the C stack, or decides what to copy.
 */
#include "copy_tree.h"
#include "copy_data.h"
#include "copy_links.h"
#include "copy_rollback.h"
#include "copy_run.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deepest directory level below the copied top entry; deeper trees fail with step `depth`. */
#define CV_COPY_MAX_DEPTH 256

/* One open directory of the walk: the source stream, the destination directory, the
 * attributes to apply once its contents are done, and where its path segments end. */
struct frame {
    DIR *src;
    int dfd;
    struct stat st;
    int merged;
    size_t slen, dlen, rlen;
};

static struct frame STACK[CV_COPY_MAX_DEPTH + 1];

static uid_t owner_uid(const struct stat *st)
{
    return cv_copy.parent_owner ? cv_copy.owner_uid : st->st_uid;
}

static gid_t owner_gid(const struct stat *st)
{
    return cv_copy.parent_owner ? cv_copy.owner_gid : st->st_gid;
}

/* Append "/name" (or set "name" when len is 0) to one of the path buffers; -1 if too long. */
static int push_name(char *buf, size_t *len, const char *name)
{
    size_t l = *len, n = strlen(name);
    if (strcmp(name, ".") == 0)
        return 0;
    int slash = l > 0 && buf[l - 1] != '/';
    if (l + slash + n + 1 > CV_PATH_MAX)
        return -1;
    if (slash)
        buf[l++] = '/';
    memcpy(buf + l, name, n + 1);
    *len = l + n;
    return 0;
}

/* Mode bits the copy keeps: downloads never carry setuid/setgid onto the host. */
static mode_t kept_mode(mode_t m)
{
    return cv_copy.download ? (m & 01777) : (m & 07777);
}

static int set_attrs(int fd, const struct stat *st, const char *dpath)
{
    if ((!cv_copy.download || cv_copy.keep_owners) && fchown(fd, owner_uid(st), owner_gid(st)) != 0)
        return cv_copy_fail(CV_STEP_CHOWN, "fchown", errno, dpath);
    if (fchmod(fd, kept_mode(st->st_mode)) != 0)
        return cv_copy_fail(CV_STEP_CHMOD, "fchmod", errno, dpath);
    struct timespec ts[2] = { st->st_atim, st->st_mtim };
    if (futimens(fd, ts) != 0)
        return cv_copy_fail(CV_STEP_UTIMES, "futimens", errno, dpath);
    return 0;
}

/*
 * Copy one entry sname of sdir to dname of ddir (cv_copy.sp, cv_copy.dp and cv_copy.rp name
 * it). A directory is not descended here: it is pushed as STACK[*depth] and the walk reads it.
 * Returns 0, or -1 with the run's failure set.
 */
static int copy_entry(int sdir, const char *sname, int ddir, const char *dname, int *depth)
{
    struct stat st, dt;
    if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return cv_copy_fail(CV_STEP_STAT, "fstatat", errno, cv_copy.sp);
    int exists = fstatat(ddir, dname, &dt, AT_SYMLINK_NOFOLLOW) == 0;
    if (!exists && errno != ENOENT)
        return cv_copy_fail(CV_STEP_STAT, "fstatat", errno, cv_copy.dp);
    int merge = 0;
    if (exists) {
        if (S_ISDIR(dt.st_mode)) {
            if (!S_ISDIR(st.st_mode))
                return cv_copy_fail(CV_STEP_OPEN, "", EISDIR, cv_copy.dp);
            merge = 1;
        } else if (S_ISDIR(st.st_mode)) {
            /* cp -r: "cannot overwrite non-directory with directory". */
            return cv_copy_fail(CV_STEP_OPEN, "", ENOTDIR, cv_copy.dp);
        } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
            /* Replace, never write through (the entry may be a symlink). */
            if (unlinkat(ddir, dname, 0) != 0)
                return cv_copy_fail(CV_STEP_UNLINK, "unlinkat", errno, cv_copy.dp);
        }
    }

    if (S_ISREG(st.st_mode)) {
        int in cleanup_fd = CV_RETRY(openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
        if (in < 0)
            return cv_copy_fail(CV_STEP_OPEN, "openat", errno, cv_copy.sp);
        struct stat st2;
        if (fstat(in, &st2) != 0 || !S_ISREG(st2.st_mode))
            return cv_copy_fail(CV_STEP_OPEN, "fstat", EINVAL, cv_copy.sp);
        (void)fcntl(in, F_SETFL, 0);
        int linked = cv_copy_link_to_first_copy(&st2, ddir, dname);
        if (linked != 0)
            return linked < 0 ? -1 : 0;
        int out cleanup_fd = CV_RETRY(openat(ddir, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (out < 0)
            return cv_copy_fail(CV_STEP_OPEN, "openat", errno, cv_copy.dp);
        if (cv_copy_log_created(0) != 0 || cv_copy_data(in, out, st2.st_size, cv_copy.sp, cv_copy.dp) != 0 || set_attrs(out, &st2, cv_copy.dp) != 0)
            return -1;
        cv_copy.stats.files++;
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        if (*depth >= CV_COPY_MAX_DEPTH) {
            cv_fail_set(&cv_copy.fail, CV_STEP_DEPTH, "", ELOOP, cv_copy.sp, "deeper than %d directory levels", CV_COPY_MAX_DEPTH);
            return -1;
        }
        int in cleanup_fd = CV_RETRY(openat(sdir, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (in < 0)
            return cv_copy_fail(CV_STEP_OPEN, "openat", errno, cv_copy.sp);
        if (!merge) {
            if (mkdirat(ddir, dname, 0700) != 0)
                return cv_copy_fail(CV_STEP_MKDIR, "mkdirat", errno, cv_copy.dp);
            if (cv_copy_log_created(1) != 0)
                return -1;
        }
        int out cleanup_fd = CV_RETRY(openat(ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (out < 0)
            return cv_copy_fail(CV_STEP_OPEN, "openat", errno, cv_copy.dp);
        /* What was made by name is opened by name: in a container directory another directory may
         * have been renamed over the fresh one meanwhile, and would get this copy's files, owner and
         * mode. The one made here belongs to this process (a container with a user namespace cannot
         * make a directory of the host's root); one of anybody else is refused. */
        struct stat ot;
        if (!merge && (fstat(out, &ot) != 0 || ot.st_uid != geteuid())) {
            cv_fail_set(&cv_copy.fail, CV_STEP_MKDIR, "fstat", EEXIST, cv_copy.dp, "the new directory was replaced while it was copied");
            return -1;
        }
        DIR *d = fdopendir(in);
        if (!d)
            return cv_copy_fail(CV_STEP_READDIR, "fdopendir", errno, cv_copy.sp);
        in = -1; /* owned by d now */
        struct frame *f = &STACK[(*depth)++];
        f->src = d;
        f->dfd = cv_steal_fd(&out);
        f->st = st;
        f->merged = merge;
        return 0;
    }
    if (S_ISLNK(st.st_mode)) {
        char target[CV_PATH_MAX];
        ssize_t n = readlinkat(sdir, sname, target, sizeof target - 1);
        if (n < 0)
            return cv_copy_fail(CV_STEP_READLINK, "readlinkat", errno, cv_copy.sp);
        target[n] = '\0';
        if (symlinkat(target, ddir, dname) != 0)
            return cv_copy_fail(CV_STEP_SYMLINK, "symlinkat", errno, cv_copy.dp);
        if (cv_copy_log_created(0) != 0)
            return -1;
        /* Owner and times through a descriptor of the link just made, never by name: in a container
         * directory the entry may have been swapped meanwhile for a hard link of another file, which
         * would get the owner instead (a link the container made itself is harmless). */
        int lfd cleanup_fd = CV_RETRY(openat(ddir, dname, O_PATH | O_NOFOLLOW | O_CLOEXEC));
        struct stat lt;
        if (lfd < 0)
            return cv_copy_fail(CV_STEP_SYMLINK, "openat", errno, cv_copy.dp);
        if (fstat(lfd, &lt) != 0 || !S_ISLNK(lt.st_mode)) {
            cv_fail_set(&cv_copy.fail, CV_STEP_SYMLINK, "fstat", EEXIST, cv_copy.dp, "the new link was replaced while it was copied");
            return -1;
        }
        if ((!cv_copy.download || cv_copy.keep_owners) &&
            fchownat(lfd, "", owner_uid(&st), owner_gid(&st), AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
            return cv_copy_fail(CV_STEP_CHOWN, "fchownat", errno, cv_copy.dp);
        struct timespec ts[2] = { st.st_atim, st.st_mtim };
        if (utimensat(lfd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
            return cv_copy_fail(CV_STEP_UTIMES, "utimensat", errno, cv_copy.dp);
        cv_copy.stats.links++;
        return 0;
    }
    cv_copy.stats.skipped++;
    return 0;
}

static void close_frame(struct frame *f)
{
    closedir(f->src);
    close(f->dfd);
}

/* Copy the top entry and, if it is a directory, its tree: depth-first with an explicit stack. */
int cv_copy_tree(int sdir, const char *sname, const char *spath, int ddir, const char *dname, const char *dpath)
{
    int depth = 0, rc = 0;
    cv_copy.top = ddir;
    snprintf(cv_copy.sp, sizeof cv_copy.sp, "%s", spath);
    snprintf(cv_copy.dp, sizeof cv_copy.dp, "%s", dpath);
    snprintf(cv_copy.rp, sizeof cv_copy.rp, "%s", dname);
    if (copy_entry(sdir, sname, ddir, dname, &depth) != 0)
        return -1;
    if (depth == 1) {
        STACK[0].slen = strlen(cv_copy.sp);
        STACK[0].dlen = strlen(cv_copy.dp);
        STACK[0].rlen = strlen(cv_copy.rp);
    }
    while (depth > 0) {
        struct frame *f = &STACK[depth - 1];
        cv_copy.sp[f->slen] = cv_copy.dp[f->dlen] = cv_copy.rp[f->rlen] = '\0';
        errno = 0;
        struct dirent *de = readdir(f->src);
        if (!de) {
            if (errno) {
                rc = cv_copy_fail(CV_STEP_READDIR, "readdir", errno, cv_copy.sp);
                break;
            }
            /* Attributes after the contents, so the mtime sticks; merged dirs keep theirs. */
            if (!f->merged && set_attrs(f->dfd, &f->st, cv_copy.dp) != 0) {
                rc = -1;
                break;
            }
            cv_copy.stats.dirs++;
            close_frame(f);
            depth--;
            continue;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        size_t sl = f->slen, dl = f->dlen, rl = f->rlen;
        if (push_name(cv_copy.sp, &sl, de->d_name) != 0 || push_name(cv_copy.dp, &dl, de->d_name) != 0 ||
            push_name(cv_copy.rp, &rl, de->d_name) != 0) {
            rc = cv_copy_fail(CV_STEP_OPEN, "", ENAMETOOLONG, cv_copy.sp);
            break;
        }
        int before = depth;
        if (copy_entry(dirfd(f->src), de->d_name, f->dfd, de->d_name, &depth) != 0) {
            rc = -1;
            break;
        }
        if (depth > before) {
            struct frame *c = &STACK[depth - 1];
            c->slen = sl;
            c->dlen = dl;
            c->rlen = rl;
        }
    }
    while (depth > 0)
        close_frame(&STACK[--depth]);
    return rc;
}
