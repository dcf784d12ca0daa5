/*
 * copy.c - `containerv-helper copy upload|download`: opens the host side first, then
 * setns() into the init's mount namespace and chroot there, then copies by file
 * descriptor (openat per entry, O_NOFOLLOW, AT_SYMLINK_NOFOLLOW): regular files (with
 * copy_file_range/sendfile/read-write), directories by an iterative walk bounded by
 * CV_COPY_MAX_DEPTH, symlinks as symlinks, modes and mtimes kept. The destination rule is
 * the one of `cp -r` and `docker cp`: an existing directory at the destination receives the
 * source inside it (under the source's name); below that, directories merge, an existing
 * non-directory is unlinked and replaced by a file or link (never written through), and a
 * directory never replaces a non-directory nor a non-directory a directory (ENOTDIR, EISDIR).
 * A destination written with a trailing '/' must be an existing directory.
 *
 * Containment: the host parent is resolved with RESOLVE_NO_SYMLINKS (a link the container
 * planted by an earlier download cannot redirect a later copy); the container parent with
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (no /proc/<pid>/root or /proc/<pid>/fd/N jump out
 * of the container's root). Downloads drop setuid/setgid bits and leave the copies owned by
 * the caller unless --keep-owners. Uploads keep the host file's owner, or with --owner-of-parent
 * take the owner of the destination's parent. On failure every entry the copy created is removed again.
 * A copy costs no more disk than its source: hard links stay links to one copy, holes stay holes,
 * and a file is copied up to the size it had when opened (a container could otherwise fill the
 * host's disk through one download).
 *
 * Never: follows a symlink inside a copied tree or at the final component, resolves a
 * container path before entering the container's root, recurses on the C stack, or decides
 * what to copy.
 */
#include "copy.h"
#include "report.h"
#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* Deepest directory level below the copied top entry; deeper trees fail with step `depth`. */
#define CV_COPY_MAX_DEPTH 256

struct stats {
    unsigned long long files, dirs, links, skipped, bytes;
};

/* One open directory of the walk: the source stream, the destination directory, the
 * attributes to apply once its contents are done, and where its path segments end. */
struct frame {
    DIR *src;
    int dfd;
    struct stat st;
    int merged;
    size_t slen, dlen, rlen;
};

/* Entries created so far, relative to the destination's parent, in creation order; removed
 * in reverse (children before their directory) when the copy fails. */
struct created {
    char *buf;
    size_t len, cap;
    size_t *ends; /* end offset of each entry; entries are NUL-terminated, with a type byte first */
    size_t n, ncap;
};

static struct stats ST;
static struct cv_fail F;
static char *BUF; /* 1 MiB fallback buffer */
static int DOWNLOAD, KEEP_OWNERS;
/* --owner-of-parent (upload): every entry gets the owner of the destination's parent
 * directory (in a container with a user namespace, that owner's mapped ids) instead of the
 * host file's. */
static int PARENT_OWNER;
static uid_t OWNER_UID;
static gid_t OWNER_GID;

static uid_t owner_uid(const struct stat *st)
{
    return PARENT_OWNER ? OWNER_UID : st->st_uid;
}

static gid_t owner_gid(const struct stat *st)
{
    return PARENT_OWNER ? OWNER_GID : st->st_gid;
}
static struct frame STACK[CV_COPY_MAX_DEPTH + 1];
static struct created LOG;
/* Current source, destination and destination-relative paths (for messages and rollback). */
static char SP[CV_PATH_MAX], DP[CV_PATH_MAX], RP[CV_PATH_MAX];

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

static int open_resolved(int dirfd, const char *path, uint64_t resolve)
{
    struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC, .resolve = resolve };
    long fd = -1;
    /* EAGAIN: a rename or mount raced the scoped lookup; the kernel asks for a retry. */
    for (int i = 0; i < 16; i++) {
        fd = CV_RETRY(syscall(SYS_openat2, dirfd, path, &how, sizeof how));
        if (fd >= 0 || errno != EAGAIN)
            break;
    }
    return (int)fd;
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

static int log_created(int is_dir)
{
    size_t n = strlen(RP) + 2;
    if (LOG.len + n > LOG.cap) {
        size_t cap = LOG.cap ? LOG.cap * 2 : 1u << 16;
        while (cap < LOG.len + n)
            cap *= 2;
        char *b = realloc(LOG.buf, cap);
        if (!b)
            return fail(CV_STEP_COPY, "malloc", ENOMEM, DP);
        LOG.buf = b;
        LOG.cap = cap;
    }
    if (LOG.n == LOG.ncap) {
        size_t cap = LOG.ncap ? LOG.ncap * 2 : 1024;
        size_t *e = realloc(LOG.ends, cap * sizeof *e);
        if (!e)
            return fail(CV_STEP_COPY, "malloc", ENOMEM, DP);
        LOG.ends = e;
        LOG.ncap = cap;
    }
    LOG.buf[LOG.len] = is_dir ? 'd' : 'f';
    memcpy(LOG.buf + LOG.len + 1, RP, n - 1);
    LOG.len += n;
    LOG.ends[LOG.n++] = LOG.len;
    return 0;
}

/* Remove what this copy created, newest first, never following a link (the tree may have
 * been changed meanwhile by the container). Best effort: the original failure is reported. */
static void roll_back(int top)
{
    for (size_t i = LOG.n; i-- > 0;) {
        char *e = LOG.buf + (i ? LOG.ends[i - 1] : 0);
        int is_dir = e[0] == 'd';
        char *rel = e + 1, *slash = strrchr(rel, '/');
        int dfd = top;
        int own = -1;
        const char *name = rel;
        if (slash) {
            *slash = '\0';
            own = open_resolved(top, rel, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
            *slash = '/';
            if (own < 0)
                continue;
            dfd = own;
            name = slash + 1;
        }
        if (unlinkat(dfd, name, is_dir ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
            cv_log("rollback: cannot remove %s: %s", rel, strerror(errno));
        if (own >= 0)
            close(own);
    }
}

/* Copy len bytes at offset off of in to the same offset of out. Never more than len: a file
 * the container keeps growing while it is copied stops at the size it had when opened. */
static int copy_range(int in, int out, off_t off, off_t len, const char *spath, const char *dpath)
{
    int mode = 0; /* 0 copy_file_range, 1 sendfile, 2 read/write */
    off_t left = len;
    if (lseek(in, off, SEEK_SET) < 0)
        return fail(CV_STEP_READ, "lseek", errno, spath);
    if (lseek(out, off, SEEK_SET) < 0)
        return fail(CV_STEP_WRITE, "lseek", errno, dpath);
    while (left > 0) {
        ssize_t n;
        size_t want = left < (off_t)(1u << 30) ? (size_t)left : 1u << 30;
        if (mode == 0) {
            n = copy_file_range(in, NULL, out, NULL, want, 0);
            if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
                          errno == EBADF) && left == len) {
                mode = 1;
                continue;
            }
        } else if (mode == 1) {
            n = sendfile(out, in, NULL, want);
            if (n < 0 && (errno == EINVAL || errno == ENOSYS) && left == len) {
                mode = 2;
                continue;
            }
        } else {
            n = read(in, BUF, want < (1u << 20) ? want : 1u << 20);
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
            return 0; /* shrank meanwhile: the rest stays a hole */
        ST.bytes += (unsigned long long)n;
        left -= n;
    }
    return 0;
}

/*
 * Copy the first size bytes of in to out, data extents only: holes stay holes (SEEK_DATA /
 * SEEK_HOLE), so a sparse file of a terabyte that costs the container nothing costs the
 * destination nothing either; the size is set last.
 */
static int copy_data(int in, int out, off_t size, const char *spath, const char *dpath)
{
    off_t pos = 0;
    while (pos < size) {
        off_t data = lseek(in, pos, SEEK_DATA), hole;
        if (data < 0 && errno == ENXIO)
            break; /* only a hole from pos on */
        if (data < 0) {
            data = pos; /* no SEEK_DATA here: all data */
            hole = size;
        } else {
            hole = lseek(in, data, SEEK_HOLE);
            if (hole < 0 || hole > size)
                hole = size;
        }
        if (data >= size)
            break;
        if (copy_range(in, out, data, hole - data, spath, dpath) != 0)
            return -1;
        pos = hole;
    }
    if (ftruncate(out, size) != 0)
        return fail(CV_STEP_WRITE, "ftruncate", errno, dpath);
    return 0;
}

/*
 * A file met again (same st_dev and st_ino: a hard link, or a file the container moved ahead of
 * the walk) is linked to its first copy, as tar and docker cp link hard links; else one big file
 * gave a copy per link or move. Files of one link under a block are not remembered (no gain).
 * Open addressing on (dev, ino); each slot keeps where the first copy is, relative to TOP.
 */
struct link_slot {
    dev_t dev;
    ino_t ino;
    char *rel; /* NULL: empty slot */
};
static struct link_slot *LINKS;
static size_t NLINKS, LINKS_CAP;
static int TOP = -1; /* the destination's parent: RP is relative to it */

static size_t link_hash(dev_t dev, ino_t ino)
{
    unsigned long long h = (unsigned long long)ino * 0x9e3779b97f4a7c15ull ^ (unsigned long long)dev;
    return (size_t)(h ^ (h >> 29));
}

static struct link_slot *link_find(dev_t dev, ino_t ino)
{
    if (!LINKS_CAP)
        return NULL;
    for (size_t i = link_hash(dev, ino) & (LINKS_CAP - 1);; i = (i + 1) & (LINKS_CAP - 1)) {
        if (!LINKS[i].rel || (LINKS[i].dev == dev && LINKS[i].ino == ino))
            return &LINKS[i];
    }
}

/* Remember RP as the first copy of (dev, ino); out of memory only means no link later. */
static void link_remember(dev_t dev, ino_t ino)
{
    if ((NLINKS + 1) * 2 > LINKS_CAP) {
        size_t cap = LINKS_CAP ? LINKS_CAP * 2 : 1024;
        struct link_slot *old = LINKS, *t = calloc(cap, sizeof *t);
        if (!t)
            return; /* still at most half full: no more links are remembered */
        size_t ocap = LINKS_CAP;
        LINKS = t;
        LINKS_CAP = cap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].rel)
                *link_find(old[i].dev, old[i].ino) = old[i];
        free(old);
    }
    if ((NLINKS + 1) * 2 > LINKS_CAP)
        return;
    struct link_slot *sl = link_find(dev, ino);
    if (sl->rel || !(sl->rel = strdup(RP)))
        return;
    sl->dev = dev;
    sl->ino = ino;
    NLINKS++;
}

/* Link dname of ddir to the first copy of st's file. 1 when linked, 0 when it must be copied
 * (first time, or the first copy is gone or cannot be linked), -1 with F set. The first copy
 * is reopened beneath TOP without following any link, and must still be a regular file. */
static int link_to_first_copy(const struct stat *st, int ddir, const char *dname)
{
    if (st->st_nlink < 2 && st->st_size < 4096)
        return 0;
    struct link_slot *sl = link_find(st->st_dev, st->st_ino);
    if (!sl || !sl->rel) {
        link_remember(st->st_dev, st->st_ino);
        return 0;
    }
    struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
                            .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
    int fd cleanup_fd = (int)CV_RETRY(syscall(SYS_openat2, TOP, sl->rel, &how, sizeof how));
    struct stat ft;
    if (fd < 0 || fstat(fd, &ft) != 0 || !S_ISREG(ft.st_mode))
        return 0;
    if (linkat(fd, "", ddir, dname, AT_EMPTY_PATH) != 0)
        return errno == EEXIST ? fail(CV_STEP_OPEN, "linkat", errno, DP) : 0;
    if (log_created(0) != 0)
        return -1;
    ST.files++;
    return 1;
}

/* Mode bits the copy keeps: downloads never carry setuid/setgid onto the host. */
static mode_t kept_mode(mode_t m)
{
    return DOWNLOAD ? (m & 01777) : (m & 07777);
}

static int set_attrs(int fd, const struct stat *st, const char *dpath)
{
    if ((!DOWNLOAD || KEEP_OWNERS) && fchown(fd, owner_uid(st), owner_gid(st)) != 0)
        return fail(CV_STEP_CHOWN, "fchown", errno, dpath);
    if (fchmod(fd, kept_mode(st->st_mode)) != 0)
        return fail(CV_STEP_CHMOD, "fchmod", errno, dpath);
    struct timespec ts[2] = { st->st_atim, st->st_mtim };
    if (futimens(fd, ts) != 0)
        return fail(CV_STEP_UTIMES, "futimens", errno, dpath);
    return 0;
}

/*
 * Copy one entry sname of sdir to dname of ddir (SP, DP and RP name it). A directory is
 * not descended here: it is pushed as STACK[*depth] and the walk reads it. Returns 0, or -1
 * with F set.
 */
static int copy_entry(int sdir, const char *sname, int ddir, const char *dname, int *depth)
{
    struct stat st, dt;
    if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return fail(CV_STEP_STAT, "fstatat", errno, SP);
    int exists = fstatat(ddir, dname, &dt, AT_SYMLINK_NOFOLLOW) == 0;
    if (!exists && errno != ENOENT)
        return fail(CV_STEP_STAT, "fstatat", errno, DP);
    int merge = 0;
    if (exists) {
        if (S_ISDIR(dt.st_mode)) {
            if (!S_ISDIR(st.st_mode))
                return fail(CV_STEP_OPEN, "", EISDIR, DP);
            merge = 1;
        } else if (S_ISDIR(st.st_mode)) {
            /* cp -r: "cannot overwrite non-directory with directory". */
            return fail(CV_STEP_OPEN, "", ENOTDIR, DP);
        } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
            /* Replace, never write through (the entry may be a symlink). */
            if (unlinkat(ddir, dname, 0) != 0)
                return fail(CV_STEP_UNLINK, "unlinkat", errno, DP);
        }
    }

    if (S_ISREG(st.st_mode)) {
        int in cleanup_fd = CV_RETRY(openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
        if (in < 0)
            return fail(CV_STEP_OPEN, "openat", errno, SP);
        struct stat st2;
        if (fstat(in, &st2) != 0 || !S_ISREG(st2.st_mode))
            return fail(CV_STEP_OPEN, "fstat", EINVAL, SP);
        (void)fcntl(in, F_SETFL, 0);
        int linked = link_to_first_copy(&st2, ddir, dname);
        if (linked != 0)
            return linked < 0 ? -1 : 0;
        int out cleanup_fd = CV_RETRY(openat(ddir, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (out < 0)
            return fail(CV_STEP_OPEN, "openat", errno, DP);
        if (log_created(0) != 0 || copy_data(in, out, st2.st_size, SP, DP) != 0 || set_attrs(out, &st2, DP) != 0)
            return -1;
        ST.files++;
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        if (*depth >= CV_COPY_MAX_DEPTH) {
            cv_fail_set(&F, CV_STEP_DEPTH, "", ELOOP, SP, "deeper than %d directory levels", CV_COPY_MAX_DEPTH);
            return -1;
        }
        int in cleanup_fd = CV_RETRY(openat(sdir, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (in < 0)
            return fail(CV_STEP_OPEN, "openat", errno, SP);
        if (!merge) {
            if (mkdirat(ddir, dname, 0700) != 0)
                return fail(CV_STEP_MKDIR, "mkdirat", errno, DP);
            if (log_created(1) != 0)
                return -1;
        }
        int out cleanup_fd = CV_RETRY(openat(ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (out < 0)
            return fail(CV_STEP_OPEN, "openat", errno, DP);
        /* What was made by name is opened by name: in a container directory another directory may
         * have been renamed over the fresh one meanwhile, and would get this copy's files, owner and
         * mode. The one made here belongs to this process (a container with a user namespace cannot
         * make a directory of the host's root); one of anybody else is refused. */
        struct stat ot;
        if (!merge && (fstat(out, &ot) != 0 || ot.st_uid != geteuid())) {
            cv_fail_set(&F, CV_STEP_MKDIR, "fstat", EEXIST, DP, "the new directory was replaced while it was copied");
            return -1;
        }
        DIR *d = fdopendir(in);
        if (!d)
            return fail(CV_STEP_READDIR, "fdopendir", errno, SP);
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
            return fail(CV_STEP_READLINK, "readlinkat", errno, SP);
        target[n] = '\0';
        if (symlinkat(target, ddir, dname) != 0)
            return fail(CV_STEP_SYMLINK, "symlinkat", errno, DP);
        if (log_created(0) != 0)
            return -1;
        /* Owner and times through a descriptor of the link just made, never by name: in a container
         * directory the entry may have been swapped meanwhile for a hard link of another file, which
         * would get the owner instead (a link the container made itself is harmless). */
        int lfd cleanup_fd = CV_RETRY(openat(ddir, dname, O_PATH | O_NOFOLLOW | O_CLOEXEC));
        struct stat lt;
        if (lfd < 0)
            return fail(CV_STEP_SYMLINK, "openat", errno, DP);
        if (fstat(lfd, &lt) != 0 || !S_ISLNK(lt.st_mode)) {
            cv_fail_set(&F, CV_STEP_SYMLINK, "fstat", EEXIST, DP, "the new link was replaced while it was copied");
            return -1;
        }
        if ((!DOWNLOAD || KEEP_OWNERS) &&
            fchownat(lfd, "", owner_uid(&st), owner_gid(&st), AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
            return fail(CV_STEP_CHOWN, "fchownat", errno, DP);
        struct timespec ts[2] = { st.st_atim, st.st_mtim };
        if (utimensat(lfd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
            return fail(CV_STEP_UTIMES, "utimensat", errno, DP);
        ST.links++;
        return 0;
    }
    ST.skipped++;
    return 0;
}

static void close_frame(struct frame *f)
{
    closedir(f->src);
    close(f->dfd);
}

/* Copy the top entry and, if it is a directory, its tree: depth-first with an explicit stack. */
static int copy_tree(int sdir, const char *sname, const char *spath, int ddir, const char *dname, const char *dpath)
{
    int depth = 0, rc = 0;
    TOP = ddir;
    snprintf(SP, sizeof SP, "%s", spath);
    snprintf(DP, sizeof DP, "%s", dpath);
    snprintf(RP, sizeof RP, "%s", dname);
    if (copy_entry(sdir, sname, ddir, dname, &depth) != 0)
        return -1;
    if (depth == 1) {
        STACK[0].slen = strlen(SP);
        STACK[0].dlen = strlen(DP);
        STACK[0].rlen = strlen(RP);
    }
    while (depth > 0) {
        struct frame *f = &STACK[depth - 1];
        SP[f->slen] = DP[f->dlen] = RP[f->rlen] = '\0';
        errno = 0;
        struct dirent *de = readdir(f->src);
        if (!de) {
            if (errno) {
                rc = fail(CV_STEP_READDIR, "readdir", errno, SP);
                break;
            }
            /* Attributes after the contents, so the mtime sticks; merged dirs keep theirs. */
            if (!f->merged && set_attrs(f->dfd, &f->st, DP) != 0) {
                rc = -1;
                break;
            }
            ST.dirs++;
            close_frame(f);
            depth--;
            continue;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        size_t sl = f->slen, dl = f->dlen, rl = f->rlen;
        if (push_name(SP, &sl, de->d_name) != 0 || push_name(DP, &dl, de->d_name) != 0 ||
            push_name(RP, &rl, de->d_name) != 0) {
            rc = fail(CV_STEP_OPEN, "", ENAMETOOLONG, SP);
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

/* A rootless container's mount namespace belongs to its user namespace: a copy run by the
 * same normal user joins that first (it owns it, so the kernel lets it), and the mount
 * namespace after. Nothing to do when the init is in this process's user namespace. */
static int enter_userns(const char *pid)
{
    /* Root needs no user namespace of the container's to reach its mounts (it owns them all), and
     * must not join one: the owners it sets are host ids (USERS, --owner-of-parent). */
    if (geteuid() == 0)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/ns/user", pid);
    int theirs cleanup_fd = CV_RETRY(open(path, O_RDONLY | O_CLOEXEC));
    if (theirs < 0)
        return fail(CV_STEP_TARGET, "open", errno, path);
    struct stat a, b;
    if (fstat(theirs, &a) != 0)
        return fail(CV_STEP_TARGET, "fstat", errno, path);
    if (stat("/proc/self/ns/user", &b) != 0)
        return fail(CV_STEP_TARGET, "stat", errno, "/proc/self/ns/user");
    if (a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return 0;
    if (setns(theirs, CLONE_NEWUSER) != 0)
        return fail(CV_STEP_SETNS, "setns", errno, path);
    return 0;
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
    if (enter_userns(pid) != 0)
        return -1;
    if (setns(ns, CLONE_NEWNS) != 0)
        return fail(CV_STEP_SETNS, "setns", errno, path);
    /* setns put us at the namespace's root; make it our root for good. */
    if (chroot(".") != 0)
        return fail(CV_STEP_CHROOT, "chroot", errno, "/");
    if (chdir("/") != 0)
        return fail(CV_STEP_CHROOT, "chdir", errno, "/");
    return 0;
}

/* The directory a copy starts from, resolved as `resolve` allows; a refused link (ELOOP) is
 * reported with `loop_detail`. -1 with F set on failure. */
static int open_parent(const char *path, uint64_t resolve, enum cv_step step, const char *loop_detail)
{
    int fd = open_resolved(AT_FDCWD, path, resolve);
    if (fd < 0)
        cv_fail_set(&F, step, "openat2", errno, path, "%s", errno == ELOOP ? loop_detail : "");
    return fd;
}

/*
 * Where the copy goes: an existing directory at the destination (never a link to one) receives
 * the source under the source's own name, as with `cp -r` and `docker cp`; a source that is the
 * root ("." here) has no name and merges into it. `must_be_dir` (a trailing '/') refuses a
 * destination that is missing (ENOENT) or not a directory (ENOTDIR). On return *ddir, dname and
 * dpath name the final destination; *into holds the fd opened for it (or -1). -1 with F set.
 */
static int destination(int *ddir, char *dname, size_t dn, char *dpath, size_t dpn, const char *sname, int must_be_dir,
                       enum cv_step step, int *into)
{
    struct stat dt;
    *into = -1;
    if (fstatat(*ddir, dname, &dt, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno != ENOENT || must_be_dir)
            return fail(step, "fstatat", errno, dpath);
        return 0;
    }
    if (!S_ISDIR(dt.st_mode)) {
        if (must_be_dir)
            return fail(step, "", ENOTDIR, dpath);
        return 0;
    }
    if (strcmp(sname, ".") == 0)
        return 0;
    *into = CV_RETRY(openat(*ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (*into < 0)
        return fail(step, "openat", errno, dpath);
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
    DOWNLOAD = !upload;
    for (int i = 1; i < argc; i += 2) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--keep-owners") == 0 && !KEEP_OWNERS && !upload) {
            KEEP_OWNERS = 1;
            i--;
            continue;
        }
        if (strcmp(argv[i], "--owner-of-parent") == 0 && !PARENT_OWNER && upload) {
            PARENT_OWNER = 1;
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
    BUF = malloc(1u << 20);
    if (!BUF) {
        fail(CV_STEP_COPY, "malloc", ENOMEM, "");
        return report_fail();
    }
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
            fail(CV_STEP_HOST_OPEN, "fstatat", errno, host);
            return report_fail();
        }
    }
    if (enter(pid, expect) != 0)
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
        if (PARENT_OWNER) {
            struct stat pst;
            if (fstat(top, &pst) != 0) {
                fail(CV_STEP_STAT, "fstat", errno, cpath);
                return report_fail();
            }
            OWNER_UID = pst.st_uid;
            OWNER_GID = pst.st_gid;
        }
        rc = copy_tree(hdir, hname, hpath, top, cname, cpath);
    } else {
        top = hdir;
        if (destination(&top, hname, sizeof hname, hpath, sizeof hpath, cname, must_be_dir, CV_STEP_HOST_OPEN, &into) != 0)
            return report_fail();
        rc = copy_tree(cdir, cname, cpath, top, hname, hpath);
    }
    if (rc != 0) {
        roll_back(top);
        return report_fail();
    }
    char line[256];
    snprintf(line, sizeof line, "ok %llu %llu %llu %llu %llu\n", ST.files, ST.dirs, ST.links, ST.skipped, ST.bytes);
    out_line(line);
    return 0;
}
