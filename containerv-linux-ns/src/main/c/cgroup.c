/*
 * cgroup.c - joining and removing cgroups on the supervisor's side. The supervisor moves the
 * init before letting it go, so every process of the container starts inside its cgroup; once
 * the init is gone it kills whatever is still in the cgroup (v2 cgroup.kill, else freeze, kill,
 * thaw), waits until it is empty and removes it, sub-cgroups first.
 *
 * Never: follows a symlink in a cgroup-procs path (O_NOFOLLOW), or decides which cgroups
 * exist (Java makes them and names them in the plan).
 */
#include "cgroup.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

/* The directory holding a `cgroup-procs` file, then "/" and suffix (empty or a file name of it);
 * -1 when there is no '/' or it does not fit. */
static int procs_dir(const char *procs, const char *suffix, char *dir, size_t n)
{
    const char *slash = strrchr(procs, '/');
    if (!slash)
        return -1;
    int len = snprintf(dir, n, "%.*s%s%s", (int)(slash - procs), procs, *suffix ? "/" : "", suffix);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* The file system type of the directory holding a `cgroup-procs` file, 0 if it cannot be told. */
static long procs_fs_type(const char *procs)
{
    char dir[CV_PATH_MAX];
    struct statfs sf;
    return procs_dir(procs, "", dir, sizeof dir) == 0 && statfs(dir, &sf) == 0 ? (long)sf.f_type : 0;
}

int cv_cgroup_clone_fd(const struct cv_plan *p)
{
    for (size_t i = 0; i < p->ncgroup_procs; i++) {
        char dir[CV_PATH_MAX];
        if (procs_fs_type(p->cgroup_procs[i]) != CGROUP2_SUPER_MAGIC || procs_dir(p->cgroup_procs[i], "", dir, sizeof dir) != 0)
            continue;
        return CV_RETRY(open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    }
    return -1;
}

/* The real-time scheduling policy of `pid` (0: this thread) by name, NULL for any other policy. */
static const char *realtime_policy(pid_t pid)
{
    switch (sched_getscheduler(pid) & ~SCHED_RESET_ON_FORK) {
    case SCHED_FIFO:
        return "SCHED_FIFO";
    case SCHED_RR:
        return "SCHED_RR";
    default:
        return NULL;
    }
}

/* Writes a pid into a cgroup's procs or tasks file; `mover` is the task being moved (0: this
 * thread). The kernel refuses (EINVAL) to move a real-time task into a cpu cgroup without a
 * real-time budget (a new v1 cgroup's cpu.rt_runtime_us is 0), and EINVAL says nothing more:
 * the task's policy goes in the detail as a fact, for Java to word. */
static int write_number(const char *path, const char *num, pid_t mover, struct cv_fail *f)
{
    int fd cleanup_fd = CV_RETRY(open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_CGROUP_PROCS, "open", errno, path, NULL);
        return -1;
    }
    if (cv_write_all(fd, num, strlen(num)) != 0) {
        int err = errno;
        const char *rt = err == EINVAL ? realtime_policy(mover) : NULL;
        if (rt)
            cv_fail_set(f, CV_STEP_CGROUP_PROCS, "write", err, path, "sched_policy %s", rt);
        else
            cv_fail_set(f, CV_STEP_CGROUP_PROCS, "write", err, path, NULL);
        return -1;
    }
    return 0;
}

int cv_cgroup_join(const struct cv_plan *p, pid_t init, int cloned_into, struct cv_fail *f)
{
    int v2_done = 0;
    for (size_t i = 0; i < p->ncgroup_procs; i++) {
        long type = procs_fs_type(p->cgroup_procs[i]);
        if (type == CGROUP_SUPER_MAGIC)
            continue; /* the init joins it (cv_cgroup_join_self) */
        if (type == CGROUP2_SUPER_MAGIC && cloned_into && !v2_done) {
            v2_done = 1; /* the clone put the init there (cv_cgroup_clone_fd) */
            continue;
        }
        char num[32];
        snprintf(num, sizeof num, "%d\n", (int)init);
        if (write_number(p->cgroup_procs[i], num, init, f) != 0)
            return -1;
    }
    return 0;
}

int cv_cgroup_join_self(const struct cv_plan *p, struct cv_fail *f)
{
    size_t joined = 0;
    for (size_t i = 0; i < p->ncgroup_procs; i++) {
        if (procs_fs_type(p->cgroup_procs[i]) != CGROUP_SUPER_MAGIC)
            continue;
        char tasks[CV_PATH_MAX];
        if (procs_dir(p->cgroup_procs[i], "tasks", tasks, sizeof tasks) != 0) {
            cv_fail_set(f, CV_STEP_CGROUP_PROCS, "open", ENAMETOOLONG, p->cgroup_procs[i], "its tasks file");
            return -1;
        }
        if (write_number(tasks, "0\n", 0, f) != 0)
            return -1;
        joined++;
    }
    if (joined)
        cv_log("joined %zu cgroup v1 hierarchies through their tasks files", joined);
    return 0;
}

/* Reads a small cgroup file into buf (NUL-terminated); returns its length or -1. */
/* Opens dir/name, never following a symlink. */
static int open_in(const char *dir, const char *name, int flags)
{
    char path[CV_PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return CV_RETRY(open(path, flags | O_CLOEXEC | O_NOFOLLOW));
}

static ssize_t read_small(const char *dir, const char *name, char *buf, size_t n)
{
    int fd cleanup_fd = open_in(dir, name, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got + 1 < n) {
        ssize_t r = CV_RETRY(read(fd, buf + got, n - 1 - got));
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    return (ssize_t)got;
}

static int write_small(const char *dir, const char *name, const char *text)
{
    int fd cleanup_fd = open_in(dir, name, O_WRONLY);
    if (fd < 0)
        return -1;
    return cv_write_all(fd, text, strlen(text));
}

static void pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000 };
    nanosleep(&ts, NULL);
}

/* SIGKILLs every pid listed in cgroup.procs; returns how many were listed (0: empty or gone). */
static int kill_listed(const char *dir)
{
    char buf[65536];
    if (read_small(dir, "cgroup.procs", buf, sizeof buf) < 0)
        return 0;
    int n = 0;
    for (char *s = buf, *end; *s; s = end) {
        long pid = strtol(s, &end, 10);
        if (end == s)
            break;
        if (pid > 0) {
            (void)kill((pid_t)pid, SIGKILL);
            n++;
        }
        while (*end == '\n')
            end++;
    }
    return n;
}

/* Empties one cgroup directory whose cgroup.procs lists anyone: v2 cgroup.kill where the kernel
 * has it; else freeze (v1 freezer.state, v2 cgroup.freeze) so nothing forks away, SIGKILL each
 * member, thaw. Then waits (up to 2 s) until cgroup.procs lists nobody. */
static void empty_cgroup(const char *dir)
{
    char buf[64];
    /* Usually nobody is left: every process of the container died with its init, PID 1 of their pid
     * namespace. Then the kill, and on v1 the freezer's freeze and thaw, are skipped (root mode on a
     * hybrid host removes seven hierarchies' directories per container). */
    if (read_small(dir, "cgroup.procs", buf, 2) == 0)
        return;
    if (write_small(dir, "cgroup.kill", "1") != 0) {
        int v1 = read_small(dir, "freezer.state", buf, sizeof buf) >= 0;
        int frozen = write_small(dir, v1 ? "freezer.state" : "cgroup.freeze", v1 ? "FROZEN" : "1") == 0;
        for (int i = 0; frozen && v1 && i < 100; i++) {
            if (read_small(dir, "freezer.state", buf, sizeof buf) < 0 || strncmp(buf, "FREEZING", 8) != 0)
                break;
            pause_ms(10);
        }
        kill_listed(dir);
        if (frozen)
            (void)write_small(dir, v1 ? "freezer.state" : "cgroup.freeze", v1 ? "THAWED" : "0");
    }
    for (int i = 0; i < 200; i++) {
        if (kill_listed(dir) == 0)
            return;
        pause_ms(10);
    }
}

/* Removes the sub-cgroups of dir, deepest first. */
static int remove_children(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char child[CV_PATH_MAX];
        if ((size_t)snprintf(child, sizeof child, "%s/%s", dir, e->d_name) >= sizeof child) {
            rc = -1;
            continue;
        }
        if (cv_cgroup_remove(child) != 0)
            rc = -1;
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    return rc;
}

int cv_cgroup_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (remove_children(path) != 0)
        return -1;
    empty_cgroup(path);
    for (int i = 0; i < 200; i++) {
        if (rmdir(path) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            return -1;
        pause_ms(10);
    }
    return -1;
}
