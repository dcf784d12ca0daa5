/*
 * seccomp_handoff.c - the supervisor's compiled seccomp program, written into a pipe for the init
 * (seccomp_handoff.h says why). On the pipe: the instruction count and the count of skipped rules as
 * two native uint32_t, then the struct sock_filter instructions; nothing after.
 *
 * Never: allocates more than a filter the kernel would load can need.
 */
#include "seccomp_handoff.h"
#include "util.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int cv_seccomp_handoff_fd = -1;

int cv_seccomp_send(int fd, const struct cv_seccomp *s)
{
    uint32_t head[2] = { s->len, s->skipped };
    size_t body = (size_t)s->len * sizeof(struct sock_filter);
    /* All of it or nothing: the init reads it only once it has mounted, so a write that would block
     * (a pipe smaller than the program: a user over pipe-user-pages-soft gets one page) is not begun;
     * the init then compiles the filter itself. */
    int cap = fcntl(fd, F_GETPIPE_SZ);
    if (cap < 0)
        return -1;
    if ((size_t)cap < sizeof head + body && fcntl(fd, F_SETPIPE_SZ, (int)(sizeof head + body)) < 0) {
        errno = EAGAIN;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
        return -1;
    if (cv_write_all(fd, head, sizeof head) != 0)
        return -1;
    return cv_write_all(fd, s->insns, body);
}

int cv_seccomp_receive(int fd, struct cv_seccomp *out, struct cv_fail *f)
{
    memset(out, 0, sizeof *out);
    uint32_t head[2];
    ssize_t got = cv_read_full(fd, head, sizeof head);
    if (got == 0)
        return 1;
    if (got != (ssize_t)sizeof head) {
        cv_fail_set(f, CV_STEP_SECCOMP, "read", got < 0 ? errno : EPIPE, "", "the filter the supervisor compiled");
        return -1;
    }
    if (head[0] == 0 || head[0] > BPF_MAXINSNS) {
        cv_fail_set(f, CV_STEP_SECCOMP, "read", EPROTO, "", "a filter of %u instructions from the supervisor", head[0]);
        return -1;
    }
    size_t body = (size_t)head[0] * sizeof(struct sock_filter);
    void *insns = malloc(body);
    if (!insns) {
        cv_fail_set(f, CV_STEP_SECCOMP, "malloc", ENOMEM, "", "the filter the supervisor compiled");
        return -1;
    }
    got = cv_read_full(fd, insns, body);
    if (got != (ssize_t)body) {
        free(insns);
        cv_fail_set(f, CV_STEP_SECCOMP, "read", got < 0 ? errno : EPIPE, "", "the filter the supervisor compiled");
        return -1;
    }
    out->insns = insns;
    out->len = (unsigned short)head[0];
    out->skipped = head[1];
    return 0;
}
