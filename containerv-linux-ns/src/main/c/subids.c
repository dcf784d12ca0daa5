/*
 * subids.c - a rootless container's maps with subordinate ids (issue 15): newuidmap and
 * newgidmap (package uidmap, setuid root by design) write them, since a normal user may write
 * only a map of its own id. Java chose the tools' paths and the maps, and checked the ranges
 * against /etc/subuid and /etc/subgid; the tools check them again and write setgroups
 * themselves ("allow" when a subordinate gid range is mapped).
 *
 * Why a writer process: the tools must run in the parent user namespace (a setuid-root
 * program executed inside a namespace that does not map host root gains nothing) and take
 * the pid of a process already inside. So the supervisor forks a writer first, unshares its
 * user namespace, wakes the writer and waits for it; the writer runs the two tools for the
 * supervisor's pid and reports the first failure through a pipe.
 *
 * Never: chooses an id, writes a map file itself, or runs anything but the plan's two tools.
 */
#include "subids.h"
#include "util.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Decimal words of a map: "<inside> <outside> <count>" per line, after the pid. */
#define CV_TOOL_ARGS (2 + 3 * CV_MAX_ID_RANGES + 1)

/* Runs tool with the pid and the map's triples, its output kept for the failure detail. */
static int run_tool(const char *tool, pid_t pid, const struct cv_id_range *r, size_t n, struct cv_fail *f)
{
    static char words[3 * CV_MAX_ID_RANGES + 1][12];
    char *argv[CV_TOOL_ARGS];
    size_t a = 0;
    argv[a++] = (char *)tool;
    snprintf(words[0], sizeof words[0], "%d", (int)pid);
    argv[a++] = words[0];
    for (size_t i = 0; i < n; i++) {
        uint32_t v[3] = { r[i].inside, r[i].outside, r[i].count };
        for (int k = 0; k < 3; k++) {
            snprintf(words[1 + 3 * i + k], sizeof words[0], "%u", v[k]);
            argv[a++] = words[1 + 3 * i + k];
        }
    }
    argv[a] = NULL;
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "pipe2", errno, tool, NULL);
        return -1;
    }
    pid_t child = fork();
    if (child < 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "fork", errno, tool, NULL);
        close(out[0]);
        close(out[1]);
        return -1;
    }
    if (child == 0) {
        if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(out[1], STDERR_FILENO) < 0)
            _exit(126);
        execv(tool, argv);
        _exit(127);
    }
    close(out[1]);
    char said[400];
    ssize_t kept = cv_read_full(out[0], said, sizeof said - 1);
    size_t len = kept > 0 ? (size_t)kept : 0;
    if (len == sizeof said - 1) {
        char drain[256]; /* the rest is not kept, but the tool must not block on a full pipe */
        while (cv_read_full(out[0], drain, sizeof drain) == (ssize_t)sizeof drain)
            ;
    }
    close(out[0]);
    said[len] = '\0';
    while (len > 0 && (said[len - 1] == '\n' || said[len - 1] == ' '))
        said[--len] = '\0';
    int status;
    if (CV_RETRY(waitpid(child, &status, 0)) < 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "waitpid", errno, tool, NULL);
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    /* exec failed (127) or the tool refused: its own words say why (a range not granted, a
     * target owned by another user). */
    cv_fail_set(f, CV_STEP_USER_NAMESPACE, "execv", WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ENOEXEC : EPERM,
                tool, "%s %s: %s", WIFEXITED(status) ? "exit" : "signal",
                WIFEXITED(status) ? (WEXITSTATUS(status) == 127 ? "127 (cannot execute)" : "status") : "killed",
                len > 0 ? said : "(no output)");
    return -1;
}

int cv_subids_write_maps(pid_t pid, const struct cv_plan *p, struct cv_fail *f)
{
    if (run_tool(p->newuidmap, pid, p->uid_map, p->nuid_map, f) != 0)
        return -1;
    return run_tool(p->newgidmap, pid, p->gid_map, p->ngid_map, f);
}

int cv_subids_unshare(const struct cv_plan *p, struct cv_fail *f)
{
    int wake[2], result[2];
    if (pipe2(wake, O_CLOEXEC) != 0 || pipe2(result, O_CLOEXEC) != 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "pipe2", errno, "", NULL);
        return -1;
    }
    pid_t self = getpid();
    pid_t writer = fork();
    if (writer < 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "fork", errno, "", "map writer");
        return -1;
    }
    if (writer == 0) {
        close(wake[1]);
        close(result[0]);
        char b;
        if (cv_read_full(wake[0], &b, 1) != 1)
            _exit(2); /* the supervisor could not unshare: it reports that itself */
        struct cv_fail wf;
        memset(&wf, 0, sizeof wf);
        if (cv_subids_write_maps(self, p, &wf) != 0) {
            (void)cv_write_all(result[1], &wf, sizeof wf);
            _exit(1);
        }
        _exit(0);
    }
    close(wake[0]);
    close(result[1]);
    int rc = 0;
    if (unshare(CLONE_NEWUSER) != 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "unshare", errno, "", "CLONE_NEWUSER");
        rc = -1;
    } else if (cv_write_all(wake[1], "x", 1) != 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "write", errno, "", "waking the map writer");
        rc = -1;
    }
    close(wake[1]);
    struct cv_fail wf;
    ssize_t got = cv_read_full(result[0], &wf, sizeof wf);
    close(result[0]);
    int status = 0;
    (void)CV_RETRY(waitpid(writer, &status, 0));
    if (rc != 0)
        return rc;
    if (got == (ssize_t)sizeof wf) {
        *f = wf;
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cv_fail_set(f, CV_STEP_USER_NAMESPACE, "waitpid", ECHILD, "", "the map writer ended with status %d", status);
        return -1;
    }
    return 0;
}
