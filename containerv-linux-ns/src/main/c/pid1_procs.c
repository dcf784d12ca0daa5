/*
 * pid1_procs.c - the control server's processes (docs/linux-helper-protocol.md 5.4, 5.5): SPAWNs
 * checked and held until their stream connections attached, the fork (spawn.c) with what PID 1
 * prepared for every child, the child's exec report, reaping of every child and orphan, and exit
 * statuses kept until they were queued to the spawner and its waiters.
 *
 * Never: waits for a child, or keeps the status of a process whose spawner is gone.
 */
#include "pid1_state.h"
#include "hostpid.h"
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---------- processes ---------- */

size_t pid1_live_count(void)
{
    size_t n = 0;
    for (struct proc *p = pid1.procs; p; p = p->next)
        if (!p->reaped && !p->failed)
            n++;
    return n;
}

void pid1_proc_free(struct proc *p)
{
    for (struct proc **pp = &pid1.procs; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    if (p->exec_fd >= 0) {
        pid1_ep_ctl(EPOLL_CTL_DEL, p->exec_fd, NULL);
        close(p->exec_fd);
    }
    free(p->w);
    free(p);
}

void pid1_deliver_exit(struct proc *p)
{
    for (size_t i = 0; i < p->nw; i++) {
        if (p->w[i].c && !p->w[i].c->dead) {
            cv_encode_exited(&p->w[i].c->out, p->w[i].req, (uint32_t)p->pid, p->status);
            pid1_conn_queued(p->w[i].c);
        }
    }
    if (p->owner && !p->owner->dead) {
        cv_encode_exited(&p->owner->out, p->req, (uint32_t)p->pid, p->status);
        pid1_conn_queued(p->owner);
    }
    pid1_proc_free(p);
}

static void exec_resolved(struct proc *p)
{
    if (p->exec_fd >= 0) {
        /* Explicit DEL: a child forked meanwhile may still hold a copy of this pipe end
         * (until its exec), and epoll only drops a registration when every copy is
         * closed. Without this, stale events would point at a freed proc. */
        pid1_ep_ctl(EPOLL_CTL_DEL, p->exec_fd, NULL);
        close(p->exec_fd);
        p->exec_fd = -1;
    }
    if (p->rep_len == 0) {
        p->exec_ok = 1;
        if (p->owner && !p->owner->dead) {
            cv_encode_spawned(&p->owner->out, p->req, (uint32_t)p->pid, p->host_pid);
            pid1_conn_queued(p->owner);
        }
        if (p->reaped)
            pid1_deliver_exit(p);
        return;
    }
    p->failed = 1;
    if (p->rep_len == sizeof p->rep) {
        p->rep.syscall[sizeof p->rep.syscall - 1] = '\0';
        p->rep.path[sizeof p->rep.path - 1] = '\0';
        p->rep.detail[sizeof p->rep.detail - 1] = '\0';
        pid1_send_error(p->owner, p->req, p->rep.step, p->rep.syscall, p->rep.err, p->rep.path, p->rep.detail);
    } else {
        pid1_send_error(p->owner, p->req, CV_STEP_EXEC, "", EPROTO, "", "truncated child report");
    }
    /* Waiters of a failed spawn learn nothing more: tell them there is no child. */
    for (size_t i = 0; i < p->nw; i++)
        pid1_send_error(p->w[i].c, p->w[i].req, CV_STEP_WAIT, "", ECHILD, "", "spawn failed");
    p->nw = 0;
    if (p->reaped)
        pid1_proc_free(p);
}

void pid1_on_exec(struct proc *p)
{
    for (;;) {
        uint8_t *dst = (uint8_t *)&p->rep + p->rep_len;
        size_t room = sizeof p->rep - p->rep_len;
        uint8_t scratch[64];
        ssize_t r = read(p->exec_fd, room ? (void *)dst : scratch, room ? room : sizeof scratch);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return;
            exec_resolved(p);
            return;
        }
        if (r == 0) {
            exec_resolved(p);
            return;
        }
        if (room)
            p->rep_len += (size_t)r;
    }
}

struct proc *pid1_proc_find(pid_t pid)
{
    for (struct proc *p = pid1.procs; p; p = p->next)
        if (p->pid == pid)
            return p;
    return NULL;
}

void pid1_reap(void)
{
    for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid <= 0)
            return;
        struct proc *p = pid1_proc_find(pid);
        if (!p)
            continue; /* an orphan: reaped and forgotten */
        p->reaped = 1;
        p->status = st;
        if (p->exec_fd >= 0)
            continue; /* SPAWNED/ERROR first, when the report pipe resolves */
        if (p->failed)
            pid1_proc_free(p);
        else
            pid1_deliver_exit(p);
    }
}

/* ---------- streams and spawns ---------- */

struct conn *pid1_stream_find(uint64_t token)
{
    for (struct conn *c = pid1.conns; c; c = c->next)
        if (!c->dead && c->role == CV_ROLE_STREAM && c->token == token)
            return c;
    return NULL;
}

void pid1_pending_free(struct pending *pd, int close_streams)
{
    for (struct pending **pp = &pid1.pend; *pp; pp = &(*pp)->next) {
        if (*pp == pd) {
            *pp = pd->next;
            break;
        }
    }
    if (close_streams) {
        for (int i = 0; i < 3; i++) {
            struct conn *s = pd->req.tokens[i] ? pid1_stream_find(pd->req.tokens[i]) : NULL;
            if (s)
                pid1_conn_close(s);
        }
    }
    cv_spawn_req_free(&pd->req);
    free(pd);
}

static int pending_ready(const struct pending *pd)
{
    if (pd->owner->dead)
        return 0; /* its client is gone: dropped by sweep(), never spawned */
    for (int i = 0; i < 3; i++)
        if (pd->req.tokens[i] && !pid1_stream_find(pd->req.tokens[i]))
            return 0;
    return 1;
}

static void do_spawn(struct pending *pd)
{
    struct conn *c = pd->owner;
    struct cv_fail f;
    struct cv_spawn_plan sp;
    memset(&sp, 0, sizeof sp);
    sp.req = &pd->req;
    sp.cred = pd->cred;
    struct conn *streams[3] = { NULL, NULL, NULL };
    for (int i = 0; i < 3; i++) {
        streams[i] = pd->req.tokens[i] ? pid1_stream_find(pd->req.tokens[i]) : NULL;
        sp.stdio[i] = streams[i] ? streams[i]->fd : pid1.nullfd;
    }
    sp.caps = pid1.plan->has_caps ? &pid1.plan->caps : NULL;
    sp.last_cap = pid1.last_cap;
    sp.caps_inherited = 1; /* cv_pid1_prepare applied them to PID 1 */
    sp.no_new_privs = pid1.plan->no_new_privs;
    sp.landlock_fd = pid1.landlock_fd;
    sp.seccomp = pid1.seccomp.len ? &pid1.seccomp : NULL;
    sp.candidates = cv_spawn_candidates(&pd->req, pid1.plan->default_path);
    sp.default_path = pid1.plan->default_path;
    if (!sp.candidates) {
        pid1_send_error(c, pd->req.req_id, CV_STEP_FORK, "malloc", ENOMEM, "", "");
        pid1_pending_free(pd, 1);
        return;
    }
    int rfd = -1;
    pid_t pid = cv_spawn_fork(&sp, &rfd, &f);
    cv_strv_free(sp.candidates);
    if (pid < 0) {
        pid1_send_fail(c, pd->req.req_id, &f);
        pid1_pending_free(pd, 1);
        return;
    }
    struct proc *p = calloc(1, sizeof *p);
    if (!p) {
        /* Cannot track it: the child is still reaped by pid1_reap() as an orphan. */
        close(rfd);
        pid1_send_error(c, pd->req.req_id, CV_STEP_FORK, "malloc", ENOMEM, "", "");
        pid1_pending_free(pd, 1);
        return;
    }
    p->ev.kind = EV_EXEC;
    p->pid = pid;
    p->host_pid = cv_hostpid_ask(pid); /* now: only this loop reaps the child, so it is still there */
    p->owner = c;
    p->req = pd->req.req_id;
    p->exec_fd = rfd;
    p->next = pid1.procs;
    pid1.procs = p;
    (void)fcntl(rfd, F_SETFL, O_NONBLOCK);
    struct epoll_event e = { .events = EPOLLIN, .data.ptr = p };
    if (epoll_ctl(pid1.ep, EPOLL_CTL_ADD, rfd, &e) != 0) {
        /* Fall back to a blocking read: the child is about to exec or fail. */
        (void)fcntl(rfd, F_SETFL, 0);
        pid1_on_exec(p);
    }
    pid1_pending_free(pd, 1); /* our copies of the stream sockets go now: the child has them */
}

void pid1_try_pending(void)
{
    struct pending *pd = pid1.pend;
    while (pd) {
        struct pending *next = pd->next;
        if (pending_ready(pd))
            do_spawn(pd);
        pd = next;
    }
}

void pid1_on_spawn(struct conn *c, const uint8_t *pl, size_t n)
{
    struct pending *pd = calloc(1, sizeof *pd);
    if (!pd) {
        pid1_send_error(c, 0, CV_STEP_PROTOCOL, "malloc", ENOMEM, "", "");
        return;
    }
    if (cv_decode_spawn(pl, n, &pd->req) != 0) {
        pid1_send_error(c, pd->req.req_id, CV_STEP_PROTOCOL, "", EPROTO, "", "malformed SPAWN payload");
        free(pd);
        return;
    }
    uint32_t id = pd->req.req_id;
    const char *bad = NULL;
    char detail[128] = "";
    if (pid1.shutting) {
        pid1_send_error(c, id, CV_STEP_SHUTDOWN, "", ESHUTDOWN, "", "the container is stopping");
        goto drop;
    }
    if (pd->req.argc < 1)
        bad = "argv is empty";
    else if (pd->req.flags & ~(uint32_t)CV_SPAWN_KNOWN_FLAGS)
        bad = "unknown flag bits";
    for (uint32_t i = 0; !bad && i < pd->req.nrlimits; i++) {
        if (pd->req.rlimits[i].resource >= RLIM_NLIMITS) {
            snprintf(detail, sizeof detail, "unknown rlimit resource %u", pd->req.rlimits[i].resource);
            pid1_send_error(c, id, CV_STEP_RLIMIT, "", EINVAL, "", detail);
            goto drop;
        }
    }
    for (int i = 0; !bad && i < 3; i++)
        for (int j = 0; j < i; j++)
            if (pd->req.tokens[i] && pd->req.tokens[i] == pd->req.tokens[j] && !(i == 2 && j == 1))
                bad = "a stream token is used twice (only stdout and stderr may share one)";
    if (bad) {
        pid1_send_error(c, id, CV_STEP_PROTOCOL, "", EINVAL, "", bad);
        goto drop;
    }
    struct cv_fail f;
    if (cv_passwd_resolve(pd->req.user, "/etc/passwd", "/etc/group", &pd->cred, &f) != 0
        || ((pd->req.flags & CV_SPAWN_HOME_FROM_PASSWD) && cv_spawn_home_env(&pd->req, &pd->cred, &f) != 0)) {
        pid1_send_fail(c, id, &f);
        goto drop;
    }
    pd->owner = c;
    pd->deadline = cv_now_ms() + (int64_t)pid1.plan->stream_timeout_ms;
    pd->next = pid1.pend;
    pid1.pend = pd;
    if (pending_ready(pd))
        do_spawn(pd);
    return;
drop:
    cv_spawn_req_free(&pd->req);
    free(pd);
}
