/*
 * escape_probe.c - a small static program that tries, harmlessly, each way out of a container
 * that issue 12 lists, and prints one line per attempt:
 *
 *   <check> <subject> allowed|blocked|absent|skipped [<ERRNO>] [<note>]
 *
 * "allowed" means the attempt worked (the protection is missing); "blocked" that the kernel
 * refused it (with the errno); "absent" that the thing does not exist here. Usage:
 *
 *   escape-probe handles [<path>...]   open_by_handle_at from every open fd, every file of
 *                                      /proc/1/fd and each path (e.g. a file of a read-only bind)
 *   escape-probe pid1                  /proc/1/fd, pidfd_getfd and ptrace of PID 1
 *   escape-probe knobs                 access(W_OK) on kernel knobs (never written)
 *   escape-probe keys                  /proc/keys
 *   escape-probe mounts <scratch-dir> [<ro-path>]   mount/umount/mknod in a scratch dir, and a
 *                                      remount of a read-only path that keeps it read-only
 *   escape-probe cgroup <scratch-dir>  mounting a cgroup v1 hierarchy (unmounted at once)
 *   escape-probe kmsg <scratch-dir>    /dev/kmsg, and a mknod'ed one
 *   escape-probe all <scratch-dir> [<ro-path>]
 *   escape-probe ids                   the real, effective and saved uid (for a setuid copy)
 *   escape-probe socket                socket(AF_INET, SOCK_STREAM)
 *   escape-probe control <socket>      connect to a control socket: "allowed" when PID 1 keeps the
 *                                      connection open for a second instead of closing it at once
 *   escape-probe device <node>         open a device node of the image (read-only, never read)
 *   escape-probe lock <file> <seconds> an fcntl read lock on a host file seen inside (a lock file of
 *                                      containerv's), held for <seconds> when taken
 *   escape-probe unix <socket>         connect to a Unix socket of the host seen inside (sends nothing);
 *                                      "@name" is an abstract socket
 *   escape-probe listen <socket> <seconds>   listen on a Unix socket ("@name": abstract) for a while
 *   escape-probe fds                   every fd of this process beyond 0-2 (inherited from the init)
 *   escape-probe tty                   TIOCSTI through /dev/tty (a controlling terminal of the host)
 *   escape-probe setcap <file>         writes a security.capability xattr (CAP_SETUID, effective) on
 *                                      a file; "allowed" when the kernel stored it
 *   escape-probe caps                  this process's effective capabilities (for a copy given caps)
 *   escape-probe exe-race <seconds>    for a while, opens /proc/<pid>/exe of every other process: a
 *                                      child of PID 1 between fork and execve is the host's helper
 *                                      binary (runc's CVE-2019-5736: an fd of it, reopened for
 *                                      writing later, replaces it); "allowed" when one opened
 *   escape-probe keyring               the id of this process's session keyring (keyctl, never made)
 *   escape-probe landlock-abi          the kernel's Landlock ABI version (-1: none)
 *   escape-probe compat                unshare(CLONE_NEWUSER) through the 32-bit system call entry
 *                                      (int 0x80, x86-64 only), which a filter of 64-bit numbers misses
 *   escape-probe fifo <dir> <name> <seconds>   turns <dir>/<name> into a FIFO and back into a file,
 *                                      over and over: a copy that opens what it statted as a file may
 *                                      open the FIFO and wait for a writer that never comes
 *   escape-probe hop <dir> <file> <seconds>   moves <file> into the first subdirectory of <dir> (in
 *                                      readdir order), then, each time a reader opens it, into the
 *                                      next one (the reader's copy takes longer than the move): a walk of <dir> meets the one file in every subdirectory;
 *                                      writes <dir>.ready once it watches; "allowed" with the hops made
 *
 * Never: writes a kernel knob, keeps a mount, node or trace it made, or stops a process (ptrace
 * uses PTRACE_SEIZE, which does not stop, and detaches at once).
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/xattr.h>
#include <linux/capability.h>
#include <termios.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <sched.h>
#include <poll.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static void result(const char *check, const char *subject, int ok, int err, const char *note)
{
    const char *name = err ? strerrorname_np(err) : NULL;
    printf("%s %s %s%s%s%s%s\n", check, subject, ok ? "allowed" : (err == ENOENT ? "absent" : "blocked"),
           !ok && name ? " " : "", !ok && name ? name : "", note ? " " : "", note ? note : "");
    fflush(stdout);
}

/* ---- open_by_handle_at ---- */

/* The root directory of ext4/ext2/ext3 (inode 2, generation 0) as a FILEID_INO32_GEN handle: the
 * handle an attacker forges without knowing anything about the file system. */
static void try_handles_of(int fd, const char *subject)
{
    struct {
        struct file_handle h;
        unsigned char bytes[128];
    } own;
    own.h.handle_bytes = sizeof own.bytes;
    int mnt;
    if (syscall(SYS_name_to_handle_at, fd, "", &own.h, &mnt, AT_EMPTY_PATH) != 0) {
        result("name_to_handle_at", subject, 0, errno, NULL);
    } else {
        result("name_to_handle_at", subject, 1, 0, NULL);
        int o = (int)syscall(SYS_open_by_handle_at, fd, &own.h, O_RDONLY | O_PATH | O_CLOEXEC);
        result("open_by_handle_at", subject, o >= 0, o >= 0 ? 0 : errno, "own-handle");
        if (o >= 0)
            close(o);
    }
    struct {
        struct file_handle h;
        unsigned int ino, gen;
    } root = { .h = { .handle_bytes = 8, .handle_type = 1 }, .ino = 2, .gen = 0 };
    int r = (int)syscall(SYS_open_by_handle_at, fd, &root.h, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    result("open_by_handle_at", subject, r >= 0, r >= 0 ? 0 : errno, "forged-root-handle");
    if (r >= 0)
        close(r);
}

static void handles(int argc, char **argv)
{
    DIR *d = opendir("/proc/self/fd");
    int fds[256], n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) && n < 256) {
        int fd = atoi(de->d_name);
        if (de->d_name[0] != '.' && fd != dirfd(d))
            fds[n++] = fd;
    }
    if (d)
        closedir(d);
    for (int i = 0; i < n; i++) {
        char subject[32];
        snprintf(subject, sizeof subject, "fd=%d", fds[i]);
        try_handles_of(fds[i], subject);
    }
    /* PID 1's files too: what /proc/1/fd/N reaches, a process here can hold. */
    DIR *p1 = opendir("/proc/1/fd");
    while (p1 && (de = readdir(p1))) {
        if (de->d_name[0] == '.')
            continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/1/fd/%s", de->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
            if (errno != ENXIO) /* sockets cannot be opened by path; nothing to learn */
                result("open", path, 0, errno, NULL);
            continue;
        }
        try_handles_of(fd, path);
        close(fd);
    }
    if (p1)
        closedir(p1);
    for (int i = 0; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            result("open", argv[i], 0, errno, NULL);
            continue;
        }
        try_handles_of(fd, argv[i]);
        close(fd);
    }
}

/* ---- PID 1 ---- */

static void pid1(void)
{
    DIR *d = opendir("/proc/1/fd");
    if (!d) {
        result("proc-fd", "/proc/1/fd", 0, errno, NULL);
    } else {
        struct dirent *de;
        int listed = 0;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            char path[300], target[512];
            snprintf(path, sizeof path, "/proc/1/fd/%s", de->d_name);
            ssize_t len = readlink(path, target, sizeof target - 1);
            if (len >= 0) {
                target[len] = '\0';
                for (char *p = target; *p; p++)
                    if (*p == ' ' || *p < 0x20)
                        *p = '_';
            }
            result("proc-fd", path, len >= 0, len >= 0 ? 0 : errno, len >= 0 ? target : NULL);
            listed++;
        }
        closedir(d);
        if (!listed)
            result("proc-fd", "/proc/1/fd", 0, 0, "empty");
    }
    int pidfd = (int)syscall(SYS_pidfd_open, 1, 0);
    if (pidfd < 0) {
        result("pidfd_open", "pid=1", 0, errno, NULL);
    } else {
        for (int target = 0; target < 16; target++) {
            char subject[32];
            snprintf(subject, sizeof subject, "pid=1/fd=%d", target);
            int got = (int)syscall(SYS_pidfd_getfd, pidfd, target, 0);
            if (got >= 0) {
                result("pidfd_getfd", subject, 1, 0, NULL);
                close(got);
            } else if (errno != EBADF) {
                result("pidfd_getfd", subject, 0, errno, NULL);
            }
        }
        close(pidfd);
    }
    if (ptrace(PTRACE_SEIZE, 1, NULL, NULL) == 0) {
        result("ptrace", "pid=1", 1, 0, "seized-and-detached");
        ptrace(PTRACE_DETACH, 1, NULL, NULL);
    } else {
        result("ptrace", "pid=1", 0, errno, NULL);
    }
}

/* ---- kernel knobs, keys, kmsg ---- */

static void knobs(void)
{
    static const char *const paths[] = {
        "/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe", "/proc/sys/vm/drop_caches",
        "/proc/sysrq-trigger", "/sys/power/state", "/sys/kernel/uevent_helper", "/proc/sys/kernel/hostname",
        "/sys/fs/cgroup/cgroup.procs",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        int ok = access(paths[i], W_OK) == 0;
        result("writable", paths[i], ok, ok ? 0 : errno, NULL);
    }
}

static void keys(void)
{
    FILE *fp = fopen("/proc/keys", "re");
    if (!fp) {
        result("read", "/proc/keys", 0, errno, NULL);
        return;
    }
    char line[512], note[32];
    int n = 0;
    while (fgets(line, sizeof line, fp))
        n++;
    fclose(fp);
    snprintf(note, sizeof note, "%d-lines", n);
    /* Masked, the file reads empty: nothing of the host's keyrings is seen. */
    result("read", "/proc/keys", n > 0, 0, note);
}

static void kmsg(const char *scratch)
{
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    result("read", "/dev/kmsg", fd >= 0, fd >= 0 ? 0 : errno, NULL);
    if (fd >= 0)
        close(fd);
    char node[512];
    snprintf(node, sizeof node, "%s/kmsg-probe", scratch);
    if (mknod(node, S_IFCHR | 0600, makedev(1, 11)) != 0) {
        result("mknod", "kmsg", 0, errno, NULL);
        return;
    }
    fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    result("read", "mknod-kmsg", fd >= 0, fd >= 0 ? 0 : errno, NULL);
    if (fd >= 0)
        close(fd);
    unlink(node);
}

/* ---- mounts ---- */

static void mounts(const char *scratch, const char *ro_path)
{
    char dir[512], node[512];
    snprintf(dir, sizeof dir, "%s/mnt-probe", scratch);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        result("mkdir", dir, 0, errno, NULL);
        return;
    }
    if (mount("cv-probe", dir, "tmpfs", 0, "size=4k") == 0) {
        result("mount", "tmpfs", 1, 0, NULL);
        int u = umount2(dir, 0);
        result("umount", "tmpfs", u == 0, u == 0 ? 0 : errno, NULL);
        if (u != 0)
            umount2(dir, MNT_DETACH);
    } else {
        result("mount", "tmpfs", 0, errno, NULL);
    }
    rmdir(dir);
    snprintf(node, sizeof node, "%s/null-probe", scratch);
    if (mknod(node, S_IFCHR | 0600, makedev(1, 3)) == 0) {
        result("mknod", "char-1-3", 1, 0, NULL);
        unlink(node);
    } else {
        result("mknod", "char-1-3", 0, errno, NULL);
    }
    if (ro_path) {
        struct statvfs sv;
        if (statvfs(ro_path, &sv) != 0 || !(sv.f_flag & ST_RDONLY)) {
            result("remount", ro_path, 0, 0, "skipped-not-read-only");
            return;
        }
        /* Read-only again: if this works, so would remount,rw. */
        int r = mount(NULL, ro_path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
        result("remount", ro_path, r == 0, r == 0 ? 0 : errno, "bind-ro-to-ro");
    }
}

static void cgroup(const char *scratch)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/cgroup-probe", scratch);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        result("mkdir", dir, 0, errno, NULL);
        return;
    }
    if (mount("cgroup", dir, "cgroup", 0, "none,name=cvprobe") == 0) {
        char ra[600];
        snprintf(ra, sizeof ra, "%s/release_agent", dir);
        int w = access(ra, W_OK) == 0;
        result("mount", "cgroup-v1", 1, 0, w ? "release_agent-writable" : "release_agent-not-writable");
        if (umount2(dir, 0) != 0)
            umount2(dir, MNT_DETACH);
    } else {
        result("mount", "cgroup-v1", 0, errno, NULL);
    }
    rmdir(dir);
}

/* The ids this process runs with: a setuid-root copy of the probe run by a non-root user shows
 * whether the setuid bit raised it (it must not, under no_new_privs). */
static void ids(void)
{
    uid_t r, e, s;
    if (getresuid(&r, &e, &s) != 0) {
        result("ids", "getresuid", 0, errno, NULL);
        return;
    }
    printf("ids ruid=%u euid=%u suid=%u\n", (unsigned)r, (unsigned)e, (unsigned)s);
    fflush(stdout);
}

/* socket(AF_INET, SOCK_STREAM): denied by the BUILD policy, allowed by NETWORK. */
static void sock(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    result("socket", "inet-stream", fd >= 0, fd >= 0 ? 0 : errno, NULL);
    if (fd >= 0)
        close(fd);
}

/* A control socket reached from inside (e.g. through a bind of the state root's parent): PID 1 must
 * close the connection at once; one it keeps open would read frames from inside. Sends nothing. */
static void control(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        result("control", path, 0, errno, "connect");
        if (fd >= 0)
            close(fd);
        return;
    }
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int n = poll(&p, 1, 1000);
    char c;
    ssize_t r = n > 0 ? read(fd, &c, 1) : -1;
    if (n == 0)
        result("control", path, 1, 0, "kept-open");
    else
        result("control", path, 0, r < 0 ? errno : 0, r == 0 ? "closed" : "read");
    close(fd);
}

/* A device node shipped in the image: opening it must fail on a nodev root. */
static void device(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    result("device", path, fd >= 0, fd >= 0 ? 0 : errno, NULL);
    if (fd >= 0)
        close(fd);
}

/* Runs one step of a race 1000 times a round for <seconds> in <dir>; "allowed" when a step won
 * (the note counts them). */
static void race(const char *check, const char *dir, const char *name, const char *victim, const char *seconds,
                 int (*step)(int dfd, const char *name, const char *victim))
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        result(check, dir, 0, errno, NULL);
        return;
    }
    time_t end = time(NULL) + atoi(seconds);
    unsigned long won = 0;
    while (time(NULL) < end)
        for (int i = 0; i < 1000; i++)
            won += (unsigned long)step(dfd, name, victim);
    char note[32];
    snprintf(note, sizeof note, "%lu", won);
    result(check, victim, won > 0, 0, note);
    close(dfd);
}

/* Replaces <dir>/<name> with a hard link of <victim>: a copy that chowns or stamps an entry it
 * made by name, after making it, meets the victim instead. */
static int relink_step(int dfd, const char *name, const char *victim)
{
    (void)unlinkat(dfd, name, 0);
    return linkat(AT_FDCWD, victim, dfd, name, 0) == 0;
}

/* Whenever <dir>/<name> is a directory (one a copy has just made), renames <victim> (a directory
 * beside it) over it: a copy that opens what it made by name after making it gets the victim
 * instead, and gives it the copy's owner and mode. */
static int redir_step(int dfd, const char *name, const char *victim)
{
    struct stat st;
    return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) && renameat(dfd, victim, dfd, name) == 0;
}

/* See the usage: a copy that walks <dir> copies the one file once per subdirectory unless it knows it
 * met that file before. The file moves while the copy reads it, before the walk gets to the next one. */
static void hop(const char *dir, const char *file, const char *seconds)
{
    static char names[4096][64];
    size_t n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        result("hop", dir, 0, errno, NULL);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) && n < 4096)
        if (de->d_type == DT_DIR && de->d_name[0] != '.' && strlen(de->d_name) < 64)
            snprintf(names[n++], 64, "%s", de->d_name);
    closedir(d);
    char at[4096], to[4096];
    snprintf(at, sizeof at, "%s/%s/f", dir, n ? names[0] : "");
    int in = inotify_init1(IN_CLOEXEC);
    if (n == 0 || rename(file, at) != 0 || in < 0 || inotify_add_watch(in, at, IN_OPEN) < 0) {
        result("hop", dir, 0, errno, "no subdirectory, or the file cannot move");
        return;
    }
    snprintf(to, sizeof to, "%s.ready", dir);
    close(open(to, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    time_t end = time(NULL) + atoi(seconds);
    size_t k = 0;
    struct pollfd p = { .fd = in, .events = POLLIN };
    while (k + 1 < n && time(NULL) < end) {
        char buf[4096];
        if (poll(&p, 1, 200) <= 0 || read(in, buf, sizeof buf) <= 0)
            continue;
        snprintf(at, sizeof at, "%s/%s/f", dir, names[k]);
        snprintf(to, sizeof to, "%s/%s/f", dir, names[k + 1]);
        if (rename(at, to) == 0)
            k++;
    }
    char note[32];
    snprintf(note, sizeof note, "%zu", k);
    result("hop", dir, k > 0, 0, note);
    close(in);
}

/* One flip of <dir>/<name> from a FIFO to a regular file of one byte, or back. */
static int fifo_step(int dfd, const char *name, const char *unused)
{
    (void)unused;
    struct stat st;
    int fifo = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(st.st_mode);
    (void)unlinkat(dfd, name, 0);
    if (!fifo)
        return mkfifoat(dfd, name, 0644) == 0;
    int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0 && write(fd, "x", 1) == 1) {
        close(fd);
        return 1;
    }
    if (fd >= 0)
        close(fd);
    return 0;
}

/* An fcntl read lock on <path> (a lock file of containerv's the container should not see): taken, it
 * blocks every writer's lock on the host for as long as it is held. */
static void lockfile(const char *path, const char *seconds)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        result("lock", path, 0, errno, "open");
        return;
    }
    struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        result("lock", path, 0, errno, "fcntl");
        close(fd);
        return;
    }
    struct stat st;
    char note[64];
    snprintf(note, sizeof note, "dev=%lu:%lu", fstat(fd, &st) == 0 ? (unsigned long)major(st.st_dev) : 0UL,
             fstat(fd, &st) == 0 ? (unsigned long)minor(st.st_dev) : 0UL);
    result("lock", path, 1, 0, note);
    sleep((unsigned)atoi(seconds));
    close(fd);
}

/* A Unix socket of the host seen inside (a user's session bus, agent, multiplexer): connected, the
 * container talks to a program outside it. Sends nothing. */
/* A Unix socket address: a path, or an abstract name written "@name". */
static socklen_t unix_address(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    if (path[0] != '@') {
        snprintf(a->sun_path, sizeof a->sun_path, "%s", path);
        return sizeof *a;
    }
    size_t n = strnlen(path + 1, sizeof a->sun_path - 1);
    memcpy(a->sun_path + 1, path + 1, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void unix_connect(const char *path)
{
    struct sockaddr_un a;
    socklen_t len = unix_address(&a, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, len) == 0;
    result("unix", path, ok, ok ? 0 : errno, NULL);
    if (fd >= 0)
        close(fd);
}

/* Listens on <path> (abstract when "@name") for <seconds>, for a connect from elsewhere to find. */
static void unix_listen(const char *path, const char *seconds)
{
    struct sockaddr_un a;
    socklen_t len = unix_address(&a, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) != 0 || listen(fd, 8) != 0) {
        result("listen", path, 0, errno, NULL);
        return;
    }
    printf("listening %s\n", path);
    fflush(stdout);
    sleep((unsigned)atoi(seconds));
    close(fd);
}

/* The fds this process got beyond stdin, stdout and stderr (the one reading /proc/self/fd aside). */
static void fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        result("fds", "/proc/self/fd", 0, errno, NULL);
        return;
    }
    int own = dirfd(d), extra = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int n = atoi(e->d_name);
        if (n <= 2 || n == own)
            continue;
        char link[64], target[256];
        snprintf(link, sizeof link, "/proc/self/fd/%d", n);
        ssize_t len = readlink(link, target, sizeof target - 1);
        target[len > 0 ? len : 0] = '\0';
        result("fd", e->d_name, 1, 0, target);
        extra++;
    }
    closedir(d);
    if (!extra)
        result("fds", "inherited", 0, 0, "none");
}

/* TIOCSTI pushes input into a terminal: through a controlling terminal shared with the host (the
 * user's shell), a container would type commands there. */
static void tty(void)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        result("tiocsti", "/dev/tty", 0, errno, "open");
        return;
    }
    char c = '\n';
    int ok = ioctl(fd, TIOCSTI, &c) == 0;
    result("tiocsti", "/dev/tty", ok, ok ? 0 : errno, NULL);
    close(fd);
}

/* A file capability (CAP_SETUID, permitted and effective) written as revision 2: inside a user
 * namespace the kernel stores revision 3 with the namespace's root as owner, which the host ignores. */
static void setcap(const char *path)
{
    struct vfs_cap_data cap;
    memset(&cap, 0, sizeof cap);
    cap.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE;
    cap.data[0].permitted = 1u << CAP_SETUID;
    int ok = setxattr(path, "security.capability", &cap, XATTR_CAPS_SZ_2, 0) == 0;
    result("setcap", path, ok, ok ? 0 : errno, NULL);
}

static void caps(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) != 0) {
        result("caps", "capget", 0, errno, NULL);
        return;
    }
    printf("caps eff=%08x%08x\n", d[1].effective, d[0].effective);
    fflush(stdout);
}

/* The i386 entry of an x86-64 kernel numbers system calls differently (unshare is 310): a filter
 * that only knows the 64-bit numbers lets it through, and a new user namespace gives every
 * capability in it. Tried in a child, which the filter may kill (SIGSYS). */
static void compat(void)
{
#if defined(__x86_64__)
    pid_t pid = fork();
    if (pid < 0) {
        result("compat", "int80-unshare", 0, errno, "fork");
        return;
    }
    if (pid == 0) {
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(310L), "b"((long)CLONE_NEWUSER) : "memory");
        _exit(ret == 0 ? 0 : ret < 0 && -ret < 256 ? (int)-ret : 255);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0) {
        result("compat", "int80-unshare", 0, errno, "waitpid");
        return;
    }
    if (WIFSIGNALED(st)) {
        /* SIGSYS: the filter's bad-architecture action; SIGSEGV: no 32-bit entry in this kernel. */
        result("compat", "int80-unshare", 0, WTERMSIG(st) == SIGSEGV ? ENOENT : 0,
               WTERMSIG(st) == SIGSYS ? "SIGSYS" : strsignal(WTERMSIG(st)));
    } else {
        int code = WEXITSTATUS(st);
        result("compat", "int80-unshare", code == 0, code == 0 || code == 255 ? 0 : code, NULL);
    }
#else
    result("compat", "int80-unshare", 0, ENOENT, "not x86-64");
#endif
}

static void exe_race(const char *seconds)
{
    struct stat rootst;
    if (stat("/", &rootst) != 0) {
        result("exe-race", "/", 0, errno, NULL);
        return;
    }
    pid_t self = getpid();
    time_t end = time(NULL) + atoi(seconds);
    unsigned long tries = 0, opened = 0;
    while (time(NULL) < end) {
        DIR *d = opendir("/proc");
        if (!d)
            break;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            int pid = atoi(e->d_name);
            if (pid <= 0 || pid == self)
                continue;
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/exe", pid);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            tries++;
            if (fd < 0)
                continue;
            struct stat st;
            /* The container's own programs live on its root's file system; anything else is not its own. */
            if (fstat(fd, &st) == 0 && st.st_dev != rootst.st_dev)
                opened++;
            close(fd);
        }
        closedir(d);
    }
    char note[64];
    snprintf(note, sizeof note, "%lu-of-%lu", opened, tries);
    result("exe-race", "/proc/*/exe", opened > 0, 0, note);
}

/* KEYCTL_GET_KEYRING_ID (0) of KEY_SPEC_SESSION_KEYRING (-3), not creating one: a container that
 * shares the host's session keyring possesses its keys wherever keyctl is allowed. */
static void keyring(void)
{
    long id = syscall(SYS_keyctl, 0L, -3L, 0L);
    if (id < 0)
        result("keyring", "session", 0, errno, NULL);
    else
        printf("keyring session %ld\n", id);
    fflush(stdout);
}

static void landlock_abi(void)
{
    printf("landlock-abi %ld\n", syscall(SYS_landlock_create_ruleset, NULL, 0, 1UL /* VERSION */));
    fflush(stdout);
}

static int usage(void)
{
    fprintf(stderr, "usage: escape-probe handles [<path>...] | pid1 | knobs | keys | mounts <scratch> [<ro-path>] | "
                    "cgroup <scratch> | kmsg <scratch> | all <scratch> [<ro-path>] | ids | socket | "
                    "control <socket> | device <node> | lock <file> <seconds> | unix <socket> | listen <socket> <seconds> | fds | tty | setcap <file> | caps | exe-race <seconds> | keyring | landlock-abi | compat | relink <dir> <name> <victim> <seconds> | redir <dir> <name> <victim-dir-name> <seconds> | fifo <dir> <name> <seconds> | hop <dir> <file> <seconds>\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    if (strcmp(cmd, "handles") == 0)
        handles(argc - 2, argv + 2);
    else if (strcmp(cmd, "pid1") == 0 && argc == 2)
        pid1();
    else if (strcmp(cmd, "knobs") == 0 && argc == 2)
        knobs();
    else if (strcmp(cmd, "keys") == 0 && argc == 2)
        keys();
    else if (strcmp(cmd, "ids") == 0 && argc == 2)
        ids();
    else if (strcmp(cmd, "socket") == 0 && argc == 2)
        sock();
    else if (strcmp(cmd, "control") == 0 && argc == 3)
        control(argv[2]);
    else if (strcmp(cmd, "device") == 0 && argc == 3)
        device(argv[2]);
    else if (strcmp(cmd, "lock") == 0 && argc == 4)
        lockfile(argv[2], argv[3]);
    else if (strcmp(cmd, "unix") == 0 && argc == 3)
        unix_connect(argv[2]);
    else if (strcmp(cmd, "listen") == 0 && argc == 4)
        unix_listen(argv[2], argv[3]);
    else if (strcmp(cmd, "fds") == 0 && argc == 2)
        fds();
    else if (strcmp(cmd, "tty") == 0 && argc == 2)
        tty();
    else if (strcmp(cmd, "setcap") == 0 && argc == 3)
        setcap(argv[2]);
    else if (strcmp(cmd, "caps") == 0 && argc == 2)
        caps();
    else if (strcmp(cmd, "exe-race") == 0 && argc == 3)
        exe_race(argv[2]);
    else if (strcmp(cmd, "keyring") == 0 && argc == 2)
        keyring();
    else if (strcmp(cmd, "landlock-abi") == 0 && argc == 2)
        landlock_abi();
    else if (strcmp(cmd, "compat") == 0 && argc == 2)
        compat();
    else if (strcmp(cmd, "redir") == 0 && argc == 6)
        race("redir", argv[2], argv[3], argv[4], argv[5], redir_step);
    else if (strcmp(cmd, "relink") == 0 && argc == 6)
        race("relink", argv[2], argv[3], argv[4], argv[5], relink_step);
    else if (strcmp(cmd, "fifo") == 0 && argc == 5)
        race("fifo", argv[2], argv[3], "", argv[4], fifo_step);
    else if (strcmp(cmd, "hop") == 0 && argc == 5)
        hop(argv[2], argv[3], argv[4]);
    else if (strcmp(cmd, "mounts") == 0 && (argc == 3 || argc == 4))
        mounts(argv[2], argc == 4 ? argv[3] : NULL);
    else if (strcmp(cmd, "cgroup") == 0 && argc == 3)
        cgroup(argv[2]);
    else if (strcmp(cmd, "kmsg") == 0 && argc == 3)
        kmsg(argv[2]);
    else if (strcmp(cmd, "all") == 0 && (argc == 3 || argc == 4)) {
        handles(argc == 4 ? 1 : 0, argv + 3);
        pid1();
        knobs();
        keys();
        mounts(argv[2], argc == 4 ? argv[3] : NULL);
        cgroup(argv[2]);
        kmsg(argv[2]);
    } else
        return usage();
    return 0;
}
