/*
 * copy.c - `containerv-helper copy upload|download`: opens the host side first, then
 * enters the init's namespaces and root (copy_enter.c), then copies by file descriptor
 * (copy_tree.c, file contents in copy_data.c, files met again in copy_links.c). Here: the
 * command line, the order of those steps, and the destination rule of `cp -r` and
 * `docker cp`: an existing directory at the destination receives the source inside it
 * (under the source's name). A destination written with a trailing '/' must be an existing
 * directory.
 *
 * Containment: the host parent is resolved with RESOLVE_NO_SYMLINKS (a link the container
 * planted by an earlier download cannot redirect a later copy); the container parent with
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (no /proc/<pid>/root or /proc/<pid>/fd/N jump out
 * of the container's root). On failure every entry the copy created is removed again
 * (copy_rollback.c). A copy costs no more disk than its source: hard links stay links to one
 * copy, holes stay holes, and a file is copied up to the size it had when opened (a container
 * could otherwise fill the host's disk through one download).
 *
 * Never: resolves a container path before entering the container's root, or decides what to
 * copy.
 */

#include "copy.h"
#include "copy_data.h"
#include "copy_enter.h"
#include "copy_rollback.h"
#include "copy_run.h"
#include "copy_tree.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int out_line(const char *line)
{
    return cv_write_all(STDOUT_FILENO, line, strlen(line));
}

static int report_fail(void)
{
    char line[3 * sizeof cv_copy.fail + 64];
    cv_fail_format_line(&cv_copy.fail, line, sizeof line);
    out_line(line);
    return 1;
}

static int usage(const char *detail)
{
    cv_fail_set(&cv_copy.fail, CV_STEP_USAGE, "", EINVAL, "", "%s", detail);
    report_fail();
    return 2;
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

/* "parent/name" for messages ("/" and "." mean the parent itself). */
static void join(char *out, size_t n, const char *dir, const char *name)
{
    if (strcmp(name, ".") == 0)
        snprintf(out, n, "%s", dir);
    else
        snprintf(out, n, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name);
}

/* The directory a copy starts from, resolved as `resolve` allows; a refused link (ELOOP) is
 * reported with `loop_detail`. -1 with the run's failure set on failure. */
static int open_parent(const char *path, uint64_t resolve, enum cv_step step, const char *loop_detail)
{
    int fd = cv_copy_open_resolved(AT_FDCWD, path, resolve);
    if (fd < 0)
        cv_fail_set(&cv_copy.fail, step, "openat2", errno, path, "%s", errno == ELOOP ? loop_detail : "");
    return fd;
}

/*
 * Where the copy goes: an existing directory at the destination (never a link to one) receives
 * the source under the source's own name, as with `cp -r` and `docker cp`; a source that is the
 * root ("." here) has no name and merges into it. `must_be_dir` (a trailing '/') refuses a
 * destination that is missing (ENOENT) or not a directory (ENOTDIR). On return *ddir, dname and
 * dpath name the final destination; *into holds the fd opened for it (or -1). -1 with the run's failure set.
 */
static int destination(int *ddir, char *dname, size_t dn, char *dpath, size_t dpn, const char *sname, int must_be_dir,
                       enum cv_step step, int *into)
{
    struct stat dt;
    *into = -1;
    if (fstatat(*ddir, dname, &dt, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno != ENOENT || must_be_dir)
            return cv_copy_fail(step, "fstatat", errno, dpath);
        return 0;
    }
    if (!S_ISDIR(dt.st_mode)) {
        if (must_be_dir)
            return cv_copy_fail(step, "", ENOTDIR, dpath);
        return 0;
    }
    if (strcmp(sname, ".") == 0)
        return 0;
    *into = CV_RETRY(openat(*ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (*into < 0)
        return cv_copy_fail(step, "openat", errno, dpath);
    char joined[CV_PATH_MAX];
    join(joined, sizeof joined, dpath, sname);
    snprintf(dpath, dpn, "%s", joined);
    snprintf(dname, dn, "%s", sname);
    *ddir = *into;
    return 0;
}

/* The walk holds two fds per level; let it have what the hard limit allows. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
}

int cv_copy_main(int argc, char **argv)
{
    const char *pid = NULL, *host = NULL, *cont = NULL, *expect = NULL;
    cv_log_role = "copy";
    if (argc < 1 || (strcmp(argv[0], "upload") != 0 && strcmp(argv[0], "download") != 0))
        return usage("usage: containerv-helper copy upload|download --pid <pid> --host <path> --container <path> "
                     "[--expect-starttime <ticks>] [--keep-owners | --owner-of-parent]");
    int upload = strcmp(argv[0], "upload") == 0;
    cv_copy.download = !upload;
    for (int i = 1; i < argc; i += 2) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--keep-owners") == 0 && !cv_copy.keep_owners && !upload) {
            cv_copy.keep_owners = 1;
            i--;
            continue;
        }
        if (strcmp(argv[i], "--owner-of-parent") == 0 && !cv_copy.parent_owner && upload) {
            cv_copy.parent_owner = 1;
            i--;
            continue;
        }
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
            snprintf(d, sizeof d, "unknown, repeated or value-less flag '%s' (--keep-owners is for download only, --owner-of-parent for upload)", argv[i]);
            return usage(d);
        }
        *slot = argv[i + 1];
    }
    if (!pid || !host || !cont)
        return usage("--pid, --host and --container are required");
    if (host[0] != '/' || cont[0] != '/')
        return usage("--host and --container must be absolute paths");
    if (cv_copy_data_init() != 0)
        return report_fail();
    raise_fd_limit();

    /* A destination written as "dir/" names a directory that must exist (split drops the '/'). */
    const char *dest_arg = upload ? cont : host;
    size_t dest_len = strlen(dest_arg);
    int must_be_dir = dest_len > 1 && dest_arg[dest_len - 1] == '/';
    char hparent[CV_PATH_MAX], hname[256], cparent[CV_PATH_MAX], cname[256];
    if (split(host, hparent, sizeof hparent, hname, sizeof hname) != 0)
        return usage("bad --host path");
    if (split(cont, cparent, sizeof cparent, cname, sizeof cname) != 0)
        return usage("bad --container path");
    if (upload && strcmp(hname, ".") == 0)
        return usage("refusing to upload the host's /");

    /* Host side first, before we can be confused by anything in the container. No link is
     * followed on the host: one planted by an earlier download would lead the copy elsewhere. */
    int hdir cleanup_fd = open_parent(hparent, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, CV_STEP_HOST_OPEN,
                                      "a component is a symbolic link; copies do not follow links on the host (give the resolved path)");
    if (hdir < 0)
        return report_fail();
    if (upload) {
        struct stat st;
        if (fstatat(hdir, hname, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            cv_copy_fail(CV_STEP_HOST_OPEN, "fstatat", errno, host);
            return report_fail();
        }
    }
    if (cv_copy_enter(pid, expect) != 0)
        return report_fail();
    /* Inside the container: links resolve as they would for a container process, except
     * magic links, which point wherever their process's files are (possibly the host). */
    int cdir cleanup_fd = open_parent(cparent, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, CV_STEP_CONTAINER_OPEN,
                                      "the path crosses a link to another process's files (/proc/<pid>/root, fd, cwd), which copies never follow");
    if (cdir < 0)
        return report_fail();

    char hpath[CV_PATH_MAX], cpath[CV_PATH_MAX];
    join(hpath, sizeof hpath, hparent, hname);
    join(cpath, sizeof cpath, cparent, cname);
    int into cleanup_fd = -1;
    int top;
    int rc;
    if (upload) {
        top = cdir;
        if (destination(&top, cname, sizeof cname, cpath, sizeof cpath, hname, must_be_dir, CV_STEP_CONTAINER_OPEN, &into) != 0)
            return report_fail();
        /* The parent of what the copy creates: the existing directory the source goes into, if any. */
        if (cv_copy.parent_owner) {
            struct stat pst;
            if (fstat(top, &pst) != 0) {
                cv_copy_fail(CV_STEP_STAT, "fstat", errno, cpath);
                return report_fail();
            }
            cv_copy.owner_uid = pst.st_uid;
            cv_copy.owner_gid = pst.st_gid;
        }
        rc = cv_copy_tree(hdir, hname, hpath, top, cname, cpath);
    } else {
        top = hdir;
        if (destination(&top, hname, sizeof hname, hpath, sizeof hpath, cname, must_be_dir, CV_STEP_HOST_OPEN, &into) != 0)
            return report_fail();
        rc = cv_copy_tree(cdir, cname, cpath, top, hname, hpath);
    }
    if (rc != 0) {
        cv_copy_roll_back(top);
        return report_fail();
    }
    char line[256];
    snprintf(line, sizeof line, "ok %llu %llu %llu %llu %llu\n", cv_copy.stats.files, cv_copy.stats.dirs, cv_copy.stats.links, cv_copy.stats.skipped, cv_copy.stats.bytes);
    out_line(line);
    return 0;
}
