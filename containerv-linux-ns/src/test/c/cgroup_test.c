/*
 * cgroup_test.c - cv_cgroup_remove on this host's real cgroups (as root): a cgroup that still
 * holds processes, one of them in a sub-cgroup, is emptied (v2 cgroup.kill; v1 freezer:
 * freeze, kill, thaw; v1 without a freezer: kill) and removed, sub-cgroup first, and every
 * process in it dies of SIGKILL. A hierarchy that is not mounted or not writable is skipped.
 *
 * Never: leaves a cgroup or a process behind (both are removed before any check fails).
 */
#include "check.h"
#include "cgroup.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t sleeper(void)
{
    pid_t p = fork();
    if (p == 0) {
        for (;;)
            pause();
    }
    return p;
}

static int join(const char *dir, pid_t pid)
{
    char path[512], num[32];
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    snprintf(num, sizeof num, "%d\n", (int)pid);
    int ok = fputs(num, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Returns 1 when tested, 0 when skipped. */
static int check_hierarchy(const char *mount)
{
    char dir[256], sub[300];
    struct stat st;
    if (stat(mount, &st) != 0)
        return 0;
    snprintf(dir, sizeof dir, "%s/cv-ctest-%d", mount, (int)getpid());
    snprintf(sub, sizeof sub, "%s/child", dir);
    if (mkdir(dir, 0755) != 0) {
        printf("cgroup_test: %s not writable (%s), skipped\n", mount, strerror(errno));
        return 0;
    }
    if (mkdir(sub, 0755) != 0) {
        rmdir(dir);
        printf("cgroup_test: %s allows no sub-cgroup (%s), skipped\n", mount, strerror(errno));
        return 0;
    }
    pid_t a = sleeper(), b = sleeper();
    int joined = join(dir, a) == 0 && join(sub, b) == 0;
    int removed = joined && cv_cgroup_remove(dir) == 0;
    int gone = stat(dir, &st) != 0 && errno == ENOENT;
    int sa = 0, sb = 0;
    /* Whatever happened: no process and no cgroup stays behind. */
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    rmdir(sub);
    rmdir(dir);
    CHECK(joined);
    CHECK(removed);
    CHECK(gone);
    CHECK(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGKILL);
    CHECK(WIFSIGNALED(sb) && WTERMSIG(sb) == SIGKILL);
    printf("cgroup_test: %s: emptied and removed\n", mount);
    return 1;
}

int main(void)
{
    if (geteuid() != 0) {
        puts("cgroup_test: not root, skipped");
        return 0;
    }
    /* A missing directory is success, and nothing is made for it. */
    CHECK(cv_cgroup_remove("/sys/fs/cgroup/cv-ctest-does-not-exist") == 0);
    int tested = 0;
    tested += check_hierarchy("/sys/fs/cgroup/unified"); /* hybrid: v2 tree, cgroup.kill */
    tested += check_hierarchy("/sys/fs/cgroup/freezer"); /* v1 with a freezer */
    tested += check_hierarchy("/sys/fs/cgroup/pids");    /* v1 without one: kill in rounds */
    struct stat st;
    if (stat("/sys/fs/cgroup/cgroup.kill", &st) == 0 || stat("/sys/fs/cgroup/cgroup.procs", &st) == 0)
        tested += check_hierarchy("/sys/fs/cgroup"); /* v2-only host */
    printf("cgroup_test: ok (%d hierarchies)\n", tested);
    return 0;
}
