/*
 * pid1_requests.c - the control requests (docs/linux-helper-protocol.md 5.4-5.8: SPAWN handed to
 * pid1_procs.c, PING, KILL, WAIT, SHUTDOWN) and the container's stop: TERM to all, the grace,
 * KILL, reaping, the last frames flushed, exit 0.
 *
 * Never: signals PID 1 itself on a client's request (KILL needs pid >= 2), or waits longer than
 * the grace before KILL.
 */
#include "pid1_state.h"
#include "util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------- control requests ---------- */

void pid1_on_frame(struct conn *c, uint16_t type, const uint8_t *pl, size_t n)
{
    struct cv_rd r = { pl, n, 0, 0 };
    uint32_t req = n >= 4 ? cv_rd_u32(&r) : 0;
    r.off = 0;
    char detail[96];

    switch (type) {
    case CV_T_SPAWN:
        pid1_on_spawn(c, pl, n);
        return;
    case CV_T_PING: {
        (void)cv_rd_u32(&r);
        if (cv_rd_done(&r) != 0)
            break;
        cv_encode_pong(&c->out, req, CV_PROTOCOL_VERSION, (uint32_t)pid1_live_count(), CV_HELPER_VERSION);
        pid1_conn_queued(c);
        return;
    }
    case CV_T_KILL: {
        (void)cv_rd_u32(&r);
        int32_t pid = (int32_t)cv_rd_u32(&r);
        int32_t sig = (int32_t)cv_rd_u32(&r);
        uint32_t flags = cv_rd_u32(&r);
        if (cv_rd_done(&r) != 0)
            break;
        if (pid < 2 || sig < 0 || sig > 64 || (flags & ~(uint32_t)CV_KILL_GROUP)) {
            char bad[160];
            snprintf(bad, sizeof bad, "pid %d signal %d flags 0x%x: pid must be >= 2, signal 0..64, flags only GROUP",
                     pid, sig, flags);
            pid1_send_error(c, req, CV_STEP_KILL, "", EINVAL, "", bad);
            return;
        }
        if (kill((flags & CV_KILL_GROUP) ? -pid : pid, sig) != 0) {
            int e = errno;
            snprintf(detail, sizeof detail, "%s%d", (flags & CV_KILL_GROUP) ? "-" : "", pid);
            pid1_send_error(c, req, CV_STEP_KILL, "kill", e, detail, "");
            return;
        }
        cv_encode_ok(&c->out, req);
        pid1_conn_queued(c);
        return;
    }
    case CV_T_WAIT: {
        (void)cv_rd_u32(&r);
        uint32_t pid = cv_rd_u32(&r);
        if (cv_rd_done(&r) != 0)
            break;
        struct proc *p = pid1_proc_find((pid_t)pid);
        if (!p || p->failed) {
            snprintf(detail, sizeof detail, "%u", pid);
            pid1_send_error(c, req, CV_STEP_WAIT, "", ECHILD, detail, "no such spawned process or its status was already delivered");
            return;
        }
        struct waiter *w = realloc(p->w, (p->nw + 1) * sizeof *w);
        if (!w) {
            pid1_send_error(c, req, CV_STEP_WAIT, "malloc", ENOMEM, "", "");
            return;
        }
        p->w = w;
        p->w[p->nw].c = c;
        p->w[p->nw].req = req;
        p->nw++;
        return;
    }
    case CV_T_SHUTDOWN: {
        (void)cv_rd_u32(&r);
        uint32_t grace = cv_rd_u32(&r);
        if (cv_rd_done(&r) != 0)
            break;
        cv_encode_ok(&c->out, req);
        pid1_conn_queued(c);
        pid1_start_shutdown(grace);
        return;
    }
    case CV_T_HELLO:
        pid1_send_error(c, req, CV_STEP_PROTOCOL, "", EPROTO, "", "HELLO was already received on this connection");
        return;
    default:
        snprintf(detail, sizeof detail, "unknown frame type %u", type);
        pid1_send_error(c, req, CV_STEP_PROTOCOL, "", EPROTO, "", detail);
        return;
    }
    snprintf(detail, sizeof detail, "malformed payload of frame type %u", type);
    pid1_send_error(c, req, CV_STEP_PROTOCOL, "", EPROTO, "", detail);
}

/* ---------- shutdown ---------- */

void pid1_start_shutdown(uint64_t grace_ms)
{
    if (pid1.shutting)
        return;
    cv_log("stopping: SIGTERM to all, grace %llu ms", (unsigned long long)grace_ms);
    pid1.shutting = 1;
    pid1.shut_deadline = cv_now_ms() + (int64_t)grace_ms;
    while (pid1.pend) {
        pid1_send_error(pid1.pend->owner, pid1.pend->req.req_id, CV_STEP_SHUTDOWN, "", ESHUTDOWN, "", "the container is stopping");
        pid1_pending_free(pid1.pend, 1);
    }
    (void)kill(-1, SIGTERM);
}

int pid1_have_children(void)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

__attribute__((noreturn)) void pid1_finish(void)
{
    (void)kill(-1, SIGKILL);
    for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        struct proc *p = pid1_proc_find(pid);
        if (p) {
            p->reaped = 1;
            p->status = st;
        }
    }
    /* Resolve what is left; every child is dead so the report pipes are at EOF. */
    while (pid1.procs) {
        struct proc *p = pid1.procs;
        if (p->exec_fd >= 0) {
            (void)fcntl(p->exec_fd, F_SETFL, 0);
            p->reaped = 1;
            pid1_on_exec(p); /* frees p (it is reaped) */
            if (pid1.procs == p)
                pid1_proc_free(p);
            continue;
        }
        if (p->failed || !p->reaped)
            pid1_proc_free(p);
        else
            pid1_deliver_exit(p);
    }
    /* Best effort: give each client a short chance to receive its last frames. */
    struct timeval tv = { 0, 300000 };
    for (struct conn *c = pid1.conns; c; c = c->next) {
        if (c->dead || c->role != CV_ROLE_CONTROL || c->out_off >= c->out.len)
            continue;
        (void)fcntl(c->fd, F_SETFL, 0);
        (void)setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        (void)cv_write_all(c->fd, c->out.data + c->out_off, c->out.len - c->out_off);
    }
    cv_log("stopped");
    _exit(0);
}
