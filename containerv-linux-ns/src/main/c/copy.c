/*
 * copy.c - `containerv-helper copy upload|download`: opens the host side first, then
 * setns() into the init's mount namespace and chroot there, then copies by file
 * descriptor (openat per entry, O_NOFOLLOW, AT_SYMLINK_NOFOLLOW): regular files (with
 * copy_file_range/sendfile/read-write), directories recursively, symlinks as symlinks,
 * modes, owners and mtimes kept. An existing non-directory destination is unlinked and
 * replaced, never written through.
 *
 * Never: follows a symlink inside a copied tree or at the final component, resolves a
 * container path before entering the container's root, or decides what to copy.
 */
#include "copy.h"
#include "report.h"
#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

struct stats {
    unsigned long long files, dirs, links, skipped, bytes;
};

static struct stats ST;
static struct cv_fail F;
static char *BUF; /* 1 MiB fallback buffer */

static int fail(enum cv_step step, const char *sc, int err, const char *path)
{
    cv_fail_set(&F, step, sc, err, path, NULL);
    return -1;
}

static int out_line(const char *line)
{
    return cv_write_all(STDOUT_FILENO, line, strlen(line));
}

static int report_fail(void)
{
    char line[3 * sizeof F + 64];
    cv_fail_format_line(&F, line, sizeof line);
    out_line(line);
    return 1;
}

static int usage(const char *detail)
{
    cv_fail_set(&F, CV_STEP_USAGE, "", EINVAL, "", "%s", detail);
    report_fail();
    return 2;
}

static void join(char *out, size_t n, const char *dir, const char *name)
{
    if (strcmp(name, ".") == 0)
        snprintf(out, n, "%s", dir);
    else
        snprintf(out, n, "%s%s%s", dir, (dir[0] && dir[strlen(dir) - 1] == '/') ? "" : "/", name);
}

static int copy_data(int in, int out, off_t size, const char *spath, const char *dpath)
{
    int mode = 0; /* 0 copy_file_range, 1 sendfile, 2 read/write */
    off_t left = size;
    for (;;) {
        ssize_t n;
        if (mode == 0) {
            n = copy_file_range(in, NULL, out, NULL, 1u << 30, 0);
            if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
                          errno == EBADF) && left == size) {
                mode = 1;
                continue;
            }
        } else if (mode == 1) {
            n = sendfile(out, in, NULL, 1u << 30);
            if (n < 0 && (errno == EINVAL || errno == ENOSYS) && left == size) {
                mode = 2;
                continue;
            }
        } else {
            n = read(in, BUF, 1u << 20);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return fail(CV_STEP_READ, "read", errno, spath);
            if (n > 0 && cv_write_all(out, BUF, (size_t)n) != 0)
                return fail(CV_STEP_WRITE, "write", errno, dpath);
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(CV_STEP_COPY, mode == 0 ? "copy_file_range" : "sendfile", errno, dpath);
        }
        if (n == 0)
            return 0;
        ST.bytes += (unsigned long long)n;
        left -= n;
    }
}

static int set_attrs(int fd, const struct stat *st, const char *dpath)
{
    if (fchown(fd, st->st_uid, st->st_gid) != 0)
        return fail(CV_STEP_CHOWN, "fchown", errno, dpath);
    if (fchmod(fd, st->st_mode & 07777) != 0)
        return fail(CV_STEP_CHMOD, "fchmod", errno, dpath);
    struct timespec ts[2] = { st->st_atim, st->st_mtim };
    if (futimens(fd, ts) != 0)
        return fail(CV_STEP_UTIMES, "futimens", errno, dpath);
    return 0;
}

static int copy_entry(int sdir, const char *sname, const char *spath, int ddir, const char *dname,
                      const char *dpath, int depth);

static int copy_dir_contents(int sfd, const char *spath, int dfd, const char *dpath, int depth)
{
    int dupfd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
    if (dupfd < 0)
        return fail(CV_STEP_READDIR, "fcntl", errno, spath);
    DIR *d = fdopendir(dupfd);
    if (!d) {
        int e = errno;
        close(dupfd);
        return fail(CV_STEP_READDIR, "fdopendir", e, spath);
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                rc = fail(CV_STEP_READDIR, "readdir", errno, spath);
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char sp[CV_PATH_MAX], dp[CV_PATH_MAX];
        join(sp, sizeof sp, spath, de->d_name);
        join(dp, sizeof dp, dpath, de->d_name);
        if (copy_entry(sfd, de->d_name, sp, dfd, de->d_name, dp, depth + 1) != 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    return rc;
}

static int copy_entry(int sdir, const char *sname, const char *spath, int ddir, const char *dname,
                      const char *dpath, int depth)
{
    struct stat st, dt;
    if (depth > 1024)
        return fail(CV_STEP_OPEN, "openat", ELOOP, spath);
    if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return fail(CV_STEP_STAT, "fstatat", errno, spath);
    int exists = fstatat(ddir, dname, &dt, AT_SYMLINK_NOFOLLOW) == 0;
    if (!exists && errno != ENOENT)
        return fail(CV_STEP_STAT, "fstatat", errno, dpath);
    int merge = 0;
    if (exists) {
        if (S_ISDIR(dt.st_mode)) {
            if (!S_ISDIR(st.st_mode))
                return fail(CV_STEP_OPEN, "", EISDIR, dpath);
            merge = 1;
        } else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)) {
            /* Replace, never write through (the entry may be a symlink). */
            if (unlinkat(ddir, dname, 0) != 0)
                return fail(CV_STEP_UNLINK, "unlinkat", errno, dpath);
        }
    }

    if (S_ISREG(st.st_mode)) {
        int in cleanup_fd = CV_RETRY(openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
        if (in < 0)
            return fail(CV_STEP_OPEN, "openat", errno, spath);
        struct stat st2;
        if (fstat(in, &st2) != 0 || !S_ISREG(st2.st_mode))
            return fail(CV_STEP_OPEN, "fstat", EINVAL, spath);
        (void)fcntl(in, F_SETFL, 0);
        int out cleanup_fd = CV_RETRY(openat(ddir, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (out < 0)
            return fail(CV_STEP_OPEN, "openat", errno, dpath);
        if (copy_data(in, out, st2.st_size, spath, dpath) != 0 || set_attrs(out, &st2, dpath) != 0)
            return -1;
        ST.files++;
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!merge && mkdirat(ddir, dname, 0700) != 0)
            return fail(CV_STEP_MKDIR, "mkdirat", errno, dpath);
        int in cleanup_fd = CV_RETRY(openat(sdir, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (in < 0)
            return fail(CV_STEP_OPEN, "openat", errno, spath);
        int out cleanup_fd = CV_RETRY(openat(ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (out < 0)
            return fail(CV_STEP_OPEN, "openat", errno, dpath);
        if (copy_dir_contents(in, spath, out, dpath, depth) != 0)
            return -1;
        /* Attributes after the contents, so the mtime sticks; merged dirs keep theirs. */
        if (!merge && set_attrs(out, &st, dpath) != 0)
            return -1;
        ST.dirs++;
        return 0;
    }
    if (S_ISLNK(st.st_mode)) {
        char target[CV_PATH_MAX];
        ssize_t n = readlinkat(sdir, sname, target, sizeof target - 1);
        if (n < 0)
            return fail(CV_STEP_READLINK, "readlinkat", errno, spath);
        target[n] = '\0';
        if (symlinkat(target, ddir, dname) != 0)
            return fail(CV_STEP_SYMLINK, "symlinkat", errno, dpath);
        if (fchownat(ddir, dname, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
            return fail(CV_STEP_CHOWN, "fchownat", errno, dpath);
        struct timespec ts[2] = { st.st_atim, st.st_mtim };
        if (utimensat(ddir, dname, ts, AT_SYMLINK_NOFOLLOW) != 0)
            return fail(CV_STEP_UTIMES, "utimensat", errno, dpath);
        ST.links++;
        return 0;
    }
    ST.skipped++;
    return 0;
}

/* Split an absolute path into parent and final name ("/" -> "/" and "."). */
static int split(const char *path, char *parent, size_t pn, char *name, size_t nn)
{
    char tmp[CV_PATH_MAX];
    if (path[0] != '/' || strlen(path) >= sizeof tmp)
        return -1;
    snprintf(tmp, sizeof tmp, "%s", path);
    size_t l = strlen(tmp);
    while (l > 1 && tmp[l - 1] == '/')
        tmp[--l] = '\0';
    if (strcmp(tmp, "/") == 0) {
        snprintf(parent, pn, "/");
        snprintf(name, nn, ".");
        return 0;
    }
    char *s = strrchr(tmp, '/');
    if (strcmp(s + 1, ".") == 0 || strcmp(s + 1, "..") == 0 || strlen(s + 1) >= nn)
        return -1;
    snprintf(name, nn, "%s", s + 1);
    if (s == tmp)
        snprintf(parent, pn, "/");
    else {
        *s = '\0';
        snprintf(parent, pn, "%s", tmp);
    }
    return 0;
}

static int open_dir(const char *path, enum cv_step step)
{
    int fd = CV_RETRY(open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd < 0)
        fail(step, "open", errno, path);
    return fd;
}

static int enter(const char *pid, const char *expect)
{
    char path[64];
    uint64_t v;
    if (cv_parse_u64(pid, &v) != 0 || v < 1 || v > 0x7fffffff)
        return fail(CV_STEP_TARGET, "", EINVAL, pid);
    snprintf(path, sizeof path, "/proc/%s/ns/mnt", pid);
    int ns cleanup_fd = CV_RETRY(open(path, O_RDONLY | O_CLOEXEC));
    if (ns < 0)
        return fail(CV_STEP_TARGET, "open", errno, path);
    if (expect) {
        uint64_t want;
        if (cv_parse_u64(expect, &want) != 0)
            return fail(CV_STEP_TARGET, "", EINVAL, expect);
        if (cv_proc_starttime((pid_t)v) != want)
            return fail(CV_STEP_TARGET, "", ESRCH, pid);
    }
    if (setns(ns, CLONE_NEWNS) != 0)
        return fail(CV_STEP_SETNS, "setns", errno, path);
    /* setns put us at the namespace's root; make it our root for good. */
    if (chroot(".") != 0)
        return fail(CV_STEP_CHROOT, "chroot", errno, "/");
    if (chdir("/") != 0)
        return fail(CV_STEP_CHROOT, "chdir", errno, "/");
    return 0;
}

int cv_copy_main(int argc, char **argv)
{
    const char *pid = NULL, *host = NULL, *cont = NULL, *expect = NULL;
    cv_log_role = "copy";
    if (argc < 1 || (strcmp(argv[0], "upload") != 0 && strcmp(argv[0], "download") != 0))
        return usage("usage: containerv-helper copy upload|download --pid <pid> --host <path> --container <path> [--expect-starttime <ticks>]");
    int upload = strcmp(argv[0], "upload") == 0;
    for (int i = 1; i < argc; i += 2) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--pid") == 0)
            slot = &pid;
        else if (strcmp(argv[i], "--host") == 0)
            slot = &host;
        else if (strcmp(argv[i], "--container") == 0)
            slot = &cont;
        else if (strcmp(argv[i], "--expect-starttime") == 0)
            slot = &expect;
        if (!slot || *slot || i + 1 >= argc) {
            char d[256];
            snprintf(d, sizeof d, "unknown, repeated or value-less flag '%s'", argv[i]);
            return usage(d);
        }
        *slot = argv[i + 1];
    }
    if (!pid || !host || !cont)
        return usage("--pid, --host and --container are required");
    if (host[0] != '/' || cont[0] != '/')
        return usage("--host and --container must be absolute paths");
    BUF = malloc(1u << 20);
    if (!BUF) {
        fail(CV_STEP_COPY, "malloc", ENOMEM, "");
        return report_fail();
    }

    char hparent[CV_PATH_MAX], hname[256], cparent[CV_PATH_MAX], cname[256];
    if (split(host, hparent, sizeof hparent, hname, sizeof hname) != 0)
        return usage("bad --host path");
    if (split(cont, cparent, sizeof cparent, cname, sizeof cname) != 0)
        return usage("bad --container path");
    if (upload && strcmp(hname, ".") == 0)
        return usage("refusing to upload the host's /");

    /* Host side first, before we can be confused by anything in the container. */
    int hdir cleanup_fd = open_dir(hparent, CV_STEP_HOST_OPEN);
    if (hdir < 0)
        return report_fail();
    if (upload) {
        struct stat st;
        if (fstatat(hdir, hname, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            fail(CV_STEP_HOST_OPEN, "fstatat", errno, host);
            return report_fail();
        }
    }
    if (enter(pid, expect) != 0)
        return report_fail();
    int cdir cleanup_fd = open_dir(cparent, CV_STEP_CONTAINER_OPEN);
    if (cdir < 0)
        return report_fail();

    int rc = upload ? copy_entry(hdir, hname, host, cdir, cname, cont, 0)
                    : copy_entry(cdir, cname, cont, hdir, hname, host, 0);
    if (rc != 0)
        return report_fail();
    char line[256];
    snprintf(line, sizeof line, "ok %llu %llu %llu %llu %llu\n", ST.files, ST.dirs, ST.links, ST.skipped, ST.bytes);
    out_line(line);
    return 0;
}
