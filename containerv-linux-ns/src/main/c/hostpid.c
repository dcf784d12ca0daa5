/*
 * hostpid.c - see hostpid.h.
 */
#include "hostpid.h"
#include "util.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int cv_hostpid_fd = -1;

uint32_t cv_hostpid_ask(pid_t pid)
{
    if (cv_hostpid_fd < 0)
        return 0;
    int32_t q = (int32_t)pid;
    if (CV_RETRY(send(cv_hostpid_fd, &q, sizeof q, MSG_NOSIGNAL)) != (long)sizeof q)
        return 0;
    int64_t deadline = cv_now_ms() + CV_HOSTPID_TIMEOUT_MS;
    for (;;) {
        int64_t left = deadline - cv_now_ms();
        struct pollfd pf = { cv_hostpid_fd, POLLIN, 0 };
        if (left <= 0 || CV_RETRY(poll(&pf, 1, (int)left)) <= 0)
            return 0;
        uint32_t a[2];
        ssize_t r = CV_RETRY(recv(cv_hostpid_fd, a, sizeof a, MSG_DONTWAIT));
        if (r < 0 && errno == EAGAIN)
            continue;
        if (r != (ssize_t)sizeof a)
            return 0;
        if (a[0] == (uint32_t)pid) /* an answer to an earlier question that timed out is skipped */
            return a[1];
    }
}

/* The innermost pid of host process `host` (last field of NSpid), or -1. */
static long innermost_pid(const char *proc, long host)
{
    char path[64];
    snprintf(path, sizeof path, "%s/%ld/status", proc, host);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char line[256];
    long last = -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "NSpid:", 6) != 0)
            continue;
        char *save = NULL;
        for (char *t = strtok_r(line + 6, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save))
            last = strtol(t, NULL, 10);
        break;
    }
    fclose(f);
    return last;
}

uint32_t cv_hostpid_find(const char *proc, pid_t init_pid, pid_t ns_pid)
{
    char path[96];
    snprintf(path, sizeof path, "%s/%d/task/%d/children", proc, (int)init_pid, (int)init_pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    long host;
    uint32_t found = 0;
    while (!found && fscanf(f, "%ld", &host) == 1)
        if (innermost_pid(proc, host) == (long)ns_pid)
            found = (uint32_t)host;
    fclose(f);
    return found;
}

int cv_hostpid_serve(int fd, pid_t init_pid)
{
    for (;;) {
        int32_t q;
        ssize_t r = CV_RETRY(recv(fd, &q, sizeof q, MSG_DONTWAIT));
        if (r < 0 && errno == EAGAIN)
            return 0;
        if (r <= 0)
            return -1; /* the init's end is closed (or broken): nothing more to answer */
        if (r != (ssize_t)sizeof q)
            continue;
        uint32_t a[2] = { (uint32_t)q, cv_hostpid_find("/proc", init_pid, (pid_t)q) };
        (void)CV_RETRY(send(fd, a, sizeof a, MSG_NOSIGNAL | MSG_DONTWAIT));
    }
}
