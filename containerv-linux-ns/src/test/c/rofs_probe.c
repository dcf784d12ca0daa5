/*
 * rofs_probe.c - a small static program that tries, from inside a container with a read-only root, every way it
 * knows to change a file or directory of that root, and prints one line per attempt:
 *
 *   <check> <subject> allowed|blocked [<ERRNO>]
 *
 * "allowed" means the attempt changed (or could have changed) the root. Usage:
 *
 *   rofs-probe <root-file> <root-dir> <writable-dir>
 *
 * <root-file> is an existing regular file of the root (its content is never changed when the root holds: every
 * write path either fails or is refused before a byte goes), <root-dir> an existing directory of the root,
 * <writable-dir> a directory on a writable layer (a tmpfs or a read-write bind) where links and renames land.
 * Ways tried: open for writing (O_WRONLY, O_RDWR|O_TRUNC, O_CREAT), through /proc/self/root, /proc/1/root and a
 * reopened O_PATH magic link; truncate, fallocate, a MAP_SHARED writable mapping; chmod, chown, utimensat,
 * setxattr/removexattr; mknod, mkdir, symlink, link into the root and out of it (and a write through that link),
 * rename, renameat2 RENAME_EXCHANGE and RENAME_WHITEOUT; remount read-write (mount(2), mount_setattr, fspick and
 * fsconfig), open_tree plus mount_setattr on a detached clone, umount2 of the root (detached) and an fsopen of a
 * new overlay. Never keeps what it made in <writable-dir> (it removes it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <linux/mount.h>
#include <unistd.h>

static void result(const char *check, const char *subject, int ok, int err)
{
    const char *name = err ? strerrorname_np(err) : NULL;
    printf("%s %s %s%s%s\n", check, subject, ok ? "allowed" : "blocked", !ok && name ? " " : "", !ok && name ? name : "");
    fflush(stdout);
}

/* A system call that returns 0 (or a descriptor) on success: reports it, returns what it returned. */
static long report(const char *check, const char *subject, long rc)
{
    result(check, subject, rc >= 0, rc >= 0 ? 0 : errno);
    return rc;
}

static void try_open(const char *check, const char *path, int flags)
{
    int fd = (int)report(check, path, open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (fd >= 0)
        close(fd);
}

static void opens(const char *file, const char *dir)
{
    char path[4096];
    try_open("open-wronly", file, O_WRONLY);
    try_open("open-rdwr-trunc", file, O_RDWR | O_TRUNC);
    snprintf(path, sizeof path, "%s/rofs-probe-new", dir);
    try_open("open-creat", path, O_WRONLY | O_CREAT | O_EXCL);
    snprintf(path, sizeof path, "/proc/self/root%s", file);
    try_open("open-proc-self-root", path, O_WRONLY);
    snprintf(path, sizeof path, "/proc/1/root%s", file);
    try_open("open-proc-1-root", path, O_WRONLY);
    int p = open(file, O_PATH | O_CLOEXEC);
    if (p >= 0) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", p);
        int fd = (int)report("reopen-magic-link", file, open(path, O_WRONLY | O_CLOEXEC));
        if (fd >= 0)
            close(fd);
        close(p);
    }
}

static void contents(const char *file)
{
    report("truncate", file, truncate(file, 0));
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        result("open-rdonly", file, 0, errno);
        return;
    }
    report("fallocate", file, fallocate(fd, 0, 0, 4096));
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    result("mmap-shared-write", file, m != MAP_FAILED, m == MAP_FAILED ? errno : 0);
    if (m != MAP_FAILED)
        munmap(m, 4096);
    close(fd);
}

static void metadata(const char *file, const char *dir)
{
    struct stat st;
    if (lstat(file, &st) != 0) {
        result("lstat", file, 0, errno);
        return;
    }
    report("chmod", file, chmod(file, st.st_mode & 07777));
    report("chown", file, chown(file, st.st_uid, st.st_gid));
    report("utimensat", file, utimensat(AT_FDCWD, file, NULL, 0));
    report("setxattr-user", file, setxattr(file, "user.rofs", "x", 1, 0));
    report("setxattr-trusted", file, setxattr(file, "trusted.overlay.opaque", "y", 1, 0));
    report("setxattr-security", file, setxattr(file, "security.rofs", "x", 1, 0));
    report("removexattr", file, removexattr(file, "user.rofs"));
    report("chmod-dir", dir, chmod(dir, 0777));
}

static void names(const char *file, const char *dir, const char *writable)
{
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s/rofs-node", dir);
    report("mknod-char", a, mknod(a, S_IFCHR | 0600, makedev(1, 3)));
    report("mknod-whiteout", a, mknod(a, S_IFCHR | 0600, makedev(0, 0)));
    report("mkfifo", a, mknod(a, S_IFIFO | 0600, 0));
    snprintf(a, sizeof a, "%s/rofs-dir", dir);
    report("mkdir", a, mkdir(a, 0755));
    snprintf(a, sizeof a, "%s/rofs-link", dir);
    report("symlink", a, symlink("/", a));
    report("link-in-root", a, link(file, a));
    report("unlink", file, unlink(file));
    report("rmdir", dir, rmdir(dir));
    /* Out of the root into the writable place: a hard link there, written through, would change the root's file. */
    snprintf(b, sizeof b, "%s/rofs-hardlink", writable);
    if (report("link-out", b, link(file, b)) == 0) {
        int fd = open(b, O_WRONLY | O_APPEND | O_CLOEXEC);
        report("write-through-link", b, fd);
        if (fd >= 0)
            close(fd);
        unlink(b);
    }
    report("linkat-empty-path", b, syscall(SYS_linkat, open(file, O_PATH | O_CLOEXEC), "", AT_FDCWD, b, AT_EMPTY_PATH));
    unlink(b);
    /* Renames: within the root, from the root out, into the root, and exchanges. */
    snprintf(a, sizeof a, "%s.rofs-moved", file);
    report("rename-in-root", file, rename(file, a));
    report("rename-out", b, rename(file, b));
    snprintf(b, sizeof b, "%s/rofs-w", writable);
    int w = open(b, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (w >= 0)
        close(w);
    snprintf(a, sizeof a, "%s/rofs-in", dir);
    report("rename-in", a, rename(b, a));
    report("exchange-across", file, syscall(SYS_renameat2, AT_FDCWD, b, AT_FDCWD, file, RENAME_EXCHANGE));
    report("exchange-in-root", file, syscall(SYS_renameat2, AT_FDCWD, file, AT_FDCWD, dir, RENAME_EXCHANGE));
    snprintf(a, sizeof a, "%s.rofs-wh", file);
    report("rename-whiteout", file, syscall(SYS_renameat2, AT_FDCWD, file, AT_FDCWD, a, RENAME_WHITEOUT));
    unlink(b);
}

static void mounts(const char *file)
{
    report("remount-rw", "/", mount(NULL, "/", NULL, MS_REMOUNT, NULL));
    report("remount-bind-rw", "/", mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL));
    struct mount_attr clear = { .attr_clr = MOUNT_ATTR_RDONLY };
    report("mount_setattr-clear-rdonly", "/", syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, &clear, sizeof clear));
    long pick = report("fspick", "/", syscall(SYS_fspick, AT_FDCWD, "/", 0));
    if (pick >= 0) {
        report("fsconfig-rw", "/", syscall(SYS_fsconfig, (int)pick, FSCONFIG_SET_FLAG, "rw", NULL, 0));
        report("fsconfig-reconfigure", "/", syscall(SYS_fsconfig, (int)pick, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0));
        close((int)pick);
    }
    long tree = report("open_tree-clone", "/", syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (tree >= 0) {
        report("mount_setattr-clone-rw", "/", syscall(SYS_mount_setattr, (int)tree, "", AT_EMPTY_PATH, &clear, sizeof clear));
        int fd = (int)report("open-through-clone", file, openat((int)tree, file + 1, O_WRONLY | O_CLOEXEC));
        if (fd >= 0)
            close(fd);
        close((int)tree);
    }
    report("fsopen-overlay", "overlay", syscall(SYS_fsopen, "overlay", 0));
    report("umount-detach", "/", umount2("/", MNT_DETACH));
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: rofs-probe <root-file> <root-dir> <writable-dir>\n");
        return 2;
    }
    opens(argv[1], argv[2]);
    contents(argv[1]);
    metadata(argv[1], argv[2]);
    names(argv[1], argv[2], argv[3]);
    mounts(argv[1]);
    return 0;
}
