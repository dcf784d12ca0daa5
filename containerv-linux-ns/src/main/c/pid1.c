/*
 * pid1.c - the init's event loop and control-socket server (docs/linux-helper-protocol.md
 * section 5). Single-threaded epoll loop: accepts connections, reads frames, defers SPAWNs
 * until their stream connections have attached, forks children (spawn.c), reads their
 * exec reports, reaps every child and orphan, keeps exit statuses until they were queued
 * to the spawning client, answers KILL/WAIT/PING, and stops the container on SHUTDOWN or
 * SIGTERM (TERM, grace, KILL). Refuses clients inside the container and bounds idle, numerous
 * and oversized ones (protocol 5.9).
 *
 * Never: blocks on one client (all sockets are non-blocking, output is buffered), copies
 * program output (stream sockets go to the child as fds 0/1/2), or decides policy.
 *
 * Why one long file: connections, pending spawns, processes and shutdown share one event loop
 * and one set of lifetimes (a dead connection is swept only when no walk over processes or
 * spawns can still name it); split apart, those rules would be spread over files that each
 * must know all of them. Frame encoding lives in proto.c, the child's side in spawn.c.
 */
#include "pid1.h"
#include "hostpid.h"
#include "proto.h"
#include "spawn.h"
#include "landlock.h"
#include "passwd.h"
#include "util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_OUT_BACKLOG (16u * 1024u * 1024u)
#define HELLO_PAYLOAD_MAX 58u
/* At most this many connections at once (control and stream, before and after HELLO): each costs
 * PID 1 an fd and some memory. At the cap the oldest connection still without HELLO makes room;
 * when every one has said HELLO, the new one is closed at once. */
#define MAX_CONNS 1024
/* Unfinished frames of all control connections together: one frame may be CV_MAX_FRAME, but many
 * connections each holding most of one must not grow PID 1 without bound. */
#define MAX_IN_TOTAL (32u * 1024u * 1024u)
/* accept4 failing for want of fds or memory leaves the listener readable: it is not polled for
 * this long, so PID 1 does not spin; the log says so at most once per LOG_EVERY_MS. */
#define LISTEN_BACKOFF_MS 100
#define LOG_EVERY_MS 10000

enum ev_kind { EV_LISTEN = 1, EV_SIGNAL, EV_CONN, EV_EXEC };

struct ev {
    enum ev_kind kind;
};

struct conn {
    struct ev ev;               /* must be first */
    int fd;
    int role;                   /* 0 until HELLO, then CV_ROLE_* */
    int dead;
    uint8_t hello[CV_FRAME_HEADER + HELLO_PAYLOAD_MAX];
    size_t hello_len;
    struct cv_buf in;
    struct cv_buf out;
    size_t out_off;
    int want_out;
    uint64_t token;             /* stream: its token */
    int64_t deadline;           /* before HELLO: closed without one by then; stream: when not claimed */
    struct conn *next;
};

struct waiter {
    struct conn *c;
    uint32_t req;
};

struct proc {
    struct ev ev;               /* must be first */
    pid_t pid;
    struct conn *owner;         /* NULL once the spawner disconnected */
    uint32_t req;
    int exec_fd;                /* report pipe, -1 once resolved */
    struct cv_child_report rep;
    size_t rep_len;
    int exec_ok, failed, reaped, status;
    struct waiter *w;
    size_t nw;
    uint32_t host_pid;          /* its pid where the JVM is, 0 if unknown (hostpid.c) */
    struct proc *next;
};

struct pending {
    struct conn *owner;
    struct cv_spawn_req req;
    struct cv_cred cred;
    int64_t deadline;
    struct pending *next;
};

static struct {
    const struct cv_plan *plan;
    int ep, lfd, sfd, nullfd;
    struct ev lev, sev;
    struct conn *conns;
    struct proc *procs;
    struct pending *pend;
    int shutting;
    int64_t shut_deadline;
    struct cv_seccomp seccomp; /* the plan's filter, compiled once (len 0: none) */
    int landlock_fd;           /* the plan's Landlock ruleset, built once (-1: none) */
    int last_cap;
    int nlive;                 /* connections not closed yet (MAX_CONNS) */
    size_t in_total;           /* bytes in every connection's `in` buffer (MAX_IN_TOTAL) */
    int64_t listen_resume;     /* listener not polled until then (0: polled) */
    int64_t last_refusal_log;  /* when the last "refused"/"accept4" line was logged */
    unsigned long refused;     /* connections refused or accept4 failures since that line */
} S;

/* ---------- the epoll set ---------- */

/* A registration the loop cannot change means events it relies on are lost (a client never
 * flushed) or stale ones arrive for freed state (a stream socket read as frames): no way to
 * go on correctly, so PID 1 exits; the kernel kills the container's processes and the
 * supervisor cleans up (exit 4). */
__attribute__((noreturn)) static void event_loop_fatal(const char *what, int fd, int err)
{
    char eb[16];
    cv_log("fatal: event-loop epoll_ctl(%s) on fd %d: %s", what, fd, cv_errno_name(err, eb, sizeof eb));
    _exit(1);
}

static void ep_ctl(int op, int fd, struct epoll_event *e)
{
    if (epoll_ctl(S.ep, op, fd, e) == 0)
        return;
    /* DEL of an fd that was never added (do_spawn's blocking fallback) is no loss. */
    if (op == EPOLL_CTL_DEL && errno == ENOENT)
        return;
    event_loop_fatal(op == EPOLL_CTL_ADD ? "ADD" : op == EPOLL_CTL_MOD ? "MOD" : "DEL", fd, errno);
}

/* ---------- output ---------- */

static void conn_close(struct conn *c);

static void ep_mod(struct conn *c, int want_out)
{
    if (c->want_out == want_out || c->dead)
        return;
    struct epoll_event e = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = c };
    ep_ctl(EPOLL_CTL_MOD, c->fd, &e);
    c->want_out = want_out;
}

static void conn_flush(struct conn *c)
{
    while (!c->dead && c->out_off < c->out.len) {
        ssize_t w = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                ep_mod(c, 1);
                return;
            }
            cv_log("client fd %d: send: %s", c->fd, strerror(errno));
            conn_close(c);
            return;
        }
        c->out_off += (size_t)w;
    }
    if (c->dead)
        return;
    c->out.len = c->out_off = 0;
    ep_mod(c, 0);
}

/* Called after frames were appended to c->out. */
static void conn_queued(struct conn *c)
{
    if (c->dead)
        return;
    if (c->out.oom || c->out.len - c->out_off > MAX_OUT_BACKLOG) {
        cv_log("client fd %d: output backlog too large or out of memory, closing", c->fd);
        conn_close(c);
        return;
    }
    conn_flush(c);
}

static void send_error(struct conn *c, uint32_t req, enum cv_step step, const char *sc, int err,
                       const char *path, const char *detail)
{
    if (!c || c->dead)
        return;
    char eb[16];
    struct cv_error_msg m = { req, cv_step_name(step), sc, err ? cv_errno_name(err, eb, sizeof eb) : "", err, path, detail };
    cv_encode_error(&c->out, &m);
    conn_queued(c);
}

static void send_fail(struct conn *c, uint32_t req, const struct cv_fail *f)
{
    send_error(c, req, f->step, f->syscall, f->err, f->path, f->detail);
}

/* ---------- processes ---------- */

static size_t live_count(void)
{
    size_t n = 0;
    for (struct proc *p = S.procs; p; p = p->next)
        if (!p->reaped && !p->failed)
            n++;
    return n;
}

static void proc_free(struct proc *p)
{
    for (struct proc **pp = &S.procs; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    if (p->exec_fd >= 0) {
        ep_ctl(EPOLL_CTL_DEL, p->exec_fd, NULL);
        close(p->exec_fd);
    }
    free(p->w);
    free(p);
}

static void deliver_exit(struct proc *p)
{
    for (size_t i = 0; i < p->nw; i++) {
        if (p->w[i].c && !p->w[i].c->dead) {
            cv_encode_exited(&p->w[i].c->out, p->w[i].req, (uint32_t)p->pid, p->status);
            conn_queued(p->w[i].c);
        }
    }
    if (p->owner && !p->owner->dead) {
        cv_encode_exited(&p->owner->out, p->req, (uint32_t)p->pid, p->status);
        conn_queued(p->owner);
    }
    proc_free(p);
}

static void exec_resolved(struct proc *p)
{
    if (p->exec_fd >= 0) {
        /* Explicit DEL: a child forked meanwhile may still hold a copy of this pipe end
         * (until its exec), and epoll only drops a registration when every copy is
         * closed. Without this, stale events would point at a freed proc. */
        ep_ctl(EPOLL_CTL_DEL, p->exec_fd, NULL);
        close(p->exec_fd);
        p->exec_fd = -1;
    }
    if (p->rep_len == 0) {
        p->exec_ok = 1;
        if (p->owner && !p->owner->dead) {
            cv_encode_spawned(&p->owner->out, p->req, (uint32_t)p->pid, p->host_pid);
            conn_queued(p->owner);
        }
        if (p->reaped)
            deliver_exit(p);
        return;
    }
    p->failed = 1;
    if (p->rep_len == sizeof p->rep) {
        p->rep.syscall[sizeof p->rep.syscall - 1] = '\0';
        p->rep.path[sizeof p->rep.path - 1] = '\0';
        p->rep.detail[sizeof p->rep.detail - 1] = '\0';
        send_error(p->owner, p->req, p->rep.step, p->rep.syscall, p->rep.err, p->rep.path, p->rep.detail);
    } else {
        send_error(p->owner, p->req, CV_STEP_EXEC, "", EPROTO, "", "truncated child report");
    }
    /* Waiters of a failed spawn learn nothing more: tell them there is no child. */
    for (size_t i = 0; i < p->nw; i++)
        send_error(p->w[i].c, p->w[i].req, CV_STEP_WAIT, "", ECHILD, "", "spawn failed");
    p->nw = 0;
    if (p->reaped)
        proc_free(p);
}

static void on_exec(struct proc *p)
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

static struct proc *proc_find(pid_t pid)
{
    for (struct proc *p = S.procs; p; p = p->next)
        if (p->pid == pid)
            return p;
    return NULL;
}

static void reap(void)
{
    for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid <= 0)
            return;
        struct proc *p = proc_find(pid);
        if (!p)
            continue; /* an orphan: reaped and forgotten */
        p->reaped = 1;
        p->status = st;
        if (p->exec_fd >= 0)
            continue; /* SPAWNED/ERROR first, when the report pipe resolves */
        if (p->failed)
            proc_free(p);
        else
            deliver_exit(p);
    }
}

/* ---------- streams and spawns ---------- */

static struct conn *stream_find(uint64_t token)
{
    for (struct conn *c = S.conns; c; c = c->next)
        if (!c->dead && c->role == CV_ROLE_STREAM && c->token == token)
            return c;
    return NULL;
}

static void pending_free(struct pending *pd, int close_streams)
{
    for (struct pending **pp = &S.pend; *pp; pp = &(*pp)->next) {
        if (*pp == pd) {
            *pp = pd->next;
            break;
        }
    }
    if (close_streams) {
        for (int i = 0; i < 3; i++) {
            struct conn *s = pd->req.tokens[i] ? stream_find(pd->req.tokens[i]) : NULL;
            if (s)
                conn_close(s);
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
        if (pd->req.tokens[i] && !stream_find(pd->req.tokens[i]))
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
        streams[i] = pd->req.tokens[i] ? stream_find(pd->req.tokens[i]) : NULL;
        sp.stdio[i] = streams[i] ? streams[i]->fd : S.nullfd;
    }
    sp.caps = S.plan->has_caps ? &S.plan->caps : NULL;
    sp.last_cap = S.last_cap;
    sp.caps_inherited = 1; /* cv_pid1_prepare applied them to PID 1 */
    sp.no_new_privs = S.plan->no_new_privs;
    sp.landlock_fd = S.landlock_fd;
    sp.seccomp = S.seccomp.len ? &S.seccomp : NULL;
    sp.candidates = cv_spawn_candidates(&pd->req, S.plan->default_path);
    sp.default_path = S.plan->default_path;
    if (!sp.candidates) {
        send_error(c, pd->req.req_id, CV_STEP_FORK, "malloc", ENOMEM, "", "");
        pending_free(pd, 1);
        return;
    }
    int rfd = -1;
    pid_t pid = cv_spawn_fork(&sp, &rfd, &f);
    cv_strv_free(sp.candidates);
    if (pid < 0) {
        send_fail(c, pd->req.req_id, &f);
        pending_free(pd, 1);
        return;
    }
    struct proc *p = calloc(1, sizeof *p);
    if (!p) {
        /* Cannot track it: the child is still reaped by reap() as an orphan. */
        close(rfd);
        send_error(c, pd->req.req_id, CV_STEP_FORK, "malloc", ENOMEM, "", "");
        pending_free(pd, 1);
        return;
    }
    p->ev.kind = EV_EXEC;
    p->pid = pid;
    p->host_pid = cv_hostpid_ask(pid); /* now: only this loop reaps the child, so it is still there */
    p->owner = c;
    p->req = pd->req.req_id;
    p->exec_fd = rfd;
    p->next = S.procs;
    S.procs = p;
    (void)fcntl(rfd, F_SETFL, O_NONBLOCK);
    struct epoll_event e = { .events = EPOLLIN, .data.ptr = p };
    if (epoll_ctl(S.ep, EPOLL_CTL_ADD, rfd, &e) != 0) {
        /* Fall back to a blocking read: the child is about to exec or fail. */
        (void)fcntl(rfd, F_SETFL, 0);
        on_exec(p);
    }
    pending_free(pd, 1); /* our copies of the stream sockets go now: the child has them */
}

static void try_pending(void)
{
    struct pending *pd = S.pend;
    while (pd) {
        struct pending *next = pd->next;
        if (pending_ready(pd))
            do_spawn(pd);
        pd = next;
    }
}

static void on_spawn(struct conn *c, const uint8_t *pl, size_t n)
{
    struct pending *pd = calloc(1, sizeof *pd);
    if (!pd) {
        send_error(c, 0, CV_STEP_PROTOCOL, "malloc", ENOMEM, "", "");
        return;
    }
    if (cv_decode_spawn(pl, n, &pd->req) != 0) {
        send_error(c, pd->req.req_id, CV_STEP_PROTOCOL, "", EPROTO, "", "malformed SPAWN payload");
        free(pd);
        return;
    }
    uint32_t id = pd->req.req_id;
    const char *bad = NULL;
    char detail[128] = "";
    if (S.shutting) {
        send_error(c, id, CV_STEP_SHUTDOWN, "", ESHUTDOWN, "", "the container is stopping");
        goto drop;
    }
    if (pd->req.argc < 1)
        bad = "argv is empty";
    else if (pd->req.flags & ~(uint32_t)CV_SPAWN_KNOWN_FLAGS)
        bad = "unknown flag bits";
    for (uint32_t i = 0; !bad && i < pd->req.nrlimits; i++) {
        if (pd->req.rlimits[i].resource >= RLIM_NLIMITS) {
            snprintf(detail, sizeof detail, "unknown rlimit resource %u", pd->req.rlimits[i].resource);
            send_error(c, id, CV_STEP_RLIMIT, "", EINVAL, "", detail);
            goto drop;
        }
    }
    for (int i = 0; !bad && i < 3; i++)
        for (int j = 0; j < i; j++)
            if (pd->req.tokens[i] && pd->req.tokens[i] == pd->req.tokens[j] && !(i == 2 && j == 1))
                bad = "a stream token is used twice (only stdout and stderr may share one)";
    if (bad) {
        send_error(c, id, CV_STEP_PROTOCOL, "", EINVAL, "", bad);
        goto drop;
    }
    struct cv_fail f;
    if (cv_passwd_resolve(pd->req.user, "/etc/passwd", "/etc/group", &pd->cred, &f) != 0
        || ((pd->req.flags & CV_SPAWN_HOME_FROM_PASSWD) && cv_spawn_home_env(&pd->req, &pd->cred, &f) != 0)) {
        send_fail(c, id, &f);
        goto drop;
    }
    pd->owner = c;
    pd->deadline = cv_now_ms() + (int64_t)S.plan->stream_timeout_ms;
    pd->next = S.pend;
    S.pend = pd;
    if (pending_ready(pd))
        do_spawn(pd);
    return;
drop:
    cv_spawn_req_free(&pd->req);
    free(pd);
}

/* ---------- shutdown ---------- */

static void start_shutdown(uint64_t grace_ms)
{
    if (S.shutting)
        return;
    cv_log("stopping: SIGTERM to all, grace %llu ms", (unsigned long long)grace_ms);
    S.shutting = 1;
    S.shut_deadline = cv_now_ms() + (int64_t)grace_ms;
    while (S.pend) {
        send_error(S.pend->owner, S.pend->req.req_id, CV_STEP_SHUTDOWN, "", ESHUTDOWN, "", "the container is stopping");
        pending_free(S.pend, 1);
    }
    (void)kill(-1, SIGTERM);
}

static int have_children(void)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

__attribute__((noreturn)) static void finish(void)
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
        struct proc *p = proc_find(pid);
        if (p) {
            p->reaped = 1;
            p->status = st;
        }
    }
    /* Resolve what is left; every child is dead so the report pipes are at EOF. */
    while (S.procs) {
        struct proc *p = S.procs;
        if (p->exec_fd >= 0) {
            (void)fcntl(p->exec_fd, F_SETFL, 0);
            p->reaped = 1;
            on_exec(p); /* frees p (it is reaped) */
            if (S.procs == p)
                proc_free(p);
            continue;
        }
        if (p->failed || !p->reaped)
            proc_free(p);
        else
            deliver_exit(p);
    }
    /* Best effort: give each client a short chance to receive its last frames. */
    struct timeval tv = { 0, 300000 };
    for (struct conn *c = S.conns; c; c = c->next) {
        if (c->dead || c->role != CV_ROLE_CONTROL || c->out_off >= c->out.len)
            continue;
        (void)fcntl(c->fd, F_SETFL, 0);
        (void)setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        (void)cv_write_all(c->fd, c->out.data + c->out_off, c->out.len - c->out_off);
    }
    cv_log("stopped");
    _exit(0);
}

/* ---------- control requests ---------- */

static void on_frame(struct conn *c, uint16_t type, const uint8_t *pl, size_t n)
{
    struct cv_rd r = { pl, n, 0, 0 };
    uint32_t req = n >= 4 ? cv_rd_u32(&r) : 0;
    r.off = 0;
    char detail[96];

    switch (type) {
    case CV_T_SPAWN:
        on_spawn(c, pl, n);
        return;
    case CV_T_PING: {
        (void)cv_rd_u32(&r);
        if (cv_rd_done(&r) != 0)
            break;
        cv_encode_pong(&c->out, req, CV_PROTOCOL_VERSION, (uint32_t)live_count(), CV_HELPER_VERSION);
        conn_queued(c);
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
            send_error(c, req, CV_STEP_KILL, "", EINVAL, "", "pid must be >= 2, signal 0..64, flags only GROUP");
            return;
        }
        if (kill((flags & CV_KILL_GROUP) ? -pid : pid, sig) != 0) {
            int e = errno;
            snprintf(detail, sizeof detail, "%s%d", (flags & CV_KILL_GROUP) ? "-" : "", pid);
            send_error(c, req, CV_STEP_KILL, "kill", e, detail, "");
            return;
        }
        cv_encode_ok(&c->out, req);
        conn_queued(c);
        return;
    }
    case CV_T_WAIT: {
        (void)cv_rd_u32(&r);
        uint32_t pid = cv_rd_u32(&r);
        if (cv_rd_done(&r) != 0)
            break;
        struct proc *p = proc_find((pid_t)pid);
        if (!p || p->failed) {
            snprintf(detail, sizeof detail, "%u", pid);
            send_error(c, req, CV_STEP_WAIT, "", ECHILD, detail, "no such spawned process or its status was already delivered");
            return;
        }
        struct waiter *w = realloc(p->w, (p->nw + 1) * sizeof *w);
        if (!w) {
            send_error(c, req, CV_STEP_WAIT, "malloc", ENOMEM, "", "");
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
        conn_queued(c);
        start_shutdown(grace);
        return;
    }
    case CV_T_HELLO:
        send_error(c, req, CV_STEP_PROTOCOL, "", EPROTO, "", "HELLO was already received on this connection");
        return;
    default:
        snprintf(detail, sizeof detail, "unknown frame type %u", type);
        send_error(c, req, CV_STEP_PROTOCOL, "", EPROTO, "", detail);
        return;
    }
    snprintf(detail, sizeof detail, "malformed payload of frame type %u", type);
    send_error(c, req, CV_STEP_PROTOCOL, "", EPROTO, "", detail);
}

/* ---------- connections ---------- */

/* Marks the connection dead and closes its socket; nothing else. Callers are often in the
 * middle of walking a proc or pending that names this connection (a failed send during
 * deliver_exit, exec_resolved, do_spawn, expire), so what it owned is let go later, in
 * sweep(), once no such walk is in progress. Until then every user checks c->dead. */
static void conn_close(struct conn *c)
{
    if (c->dead)
        return;
    c->dead = 1;
    S.nlive--;
    if (c->fd >= 0) {
        ep_ctl(EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
}

/* A dead control connection's pending SPAWNs go (with their streams), its WAITs are
 * forgotten, and its running children keep running, reaped later as ownerless. */
static void release_owned(struct conn *c)
{
    struct pending *pd = S.pend;
    while (pd) {
        struct pending *next = pd->next;
        if (pd->owner == c)
            pending_free(pd, 1);
        pd = next;
    }
    for (struct proc *p = S.procs; p; p = p->next) {
        for (size_t i = 0; i < p->nw;) {
            if (p->w[i].c == c)
                p->w[i] = p->w[--p->nw];
            else
                i++;
        }
        if (p->owner == c)
            p->owner = NULL;
    }
}

static void on_hello(struct conn *c)
{
    struct cv_hello h;
    char detail[128];
    int ok = cv_decode_hello(c->hello + CV_FRAME_HEADER, c->hello_len - CV_FRAME_HEADER, &h) == 0;
    if (!ok || h.version != CV_PROTOCOL_VERSION) {
        if (ok)
            snprintf(detail, sizeof detail, "protocol version %u not supported, server speaks %d", h.version,
                     CV_PROTOCOL_VERSION);
        else
            snprintf(detail, sizeof detail, "malformed HELLO (server speaks version %d)", CV_PROTOCOL_VERSION);
        if (ok && h.role == CV_ROLE_STREAM) {
            conn_close(c);
            return;
        }
        c->role = CV_ROLE_CONTROL; /* so the ERROR is sent; closed right after */
        send_error(c, 0, CV_STEP_HELLO, "", EPROTO, "", detail);
        conn_close(c);
        return;
    }
    if (h.role == CV_ROLE_CONTROL && h.fd == 0 && h.token == 0) {
        c->role = CV_ROLE_CONTROL;
        cv_encode_hello_server(&c->out, CV_PROTOCOL_VERSION, CV_HELPER_VERSION);
        conn_queued(c);
        return;
    }
    if (h.role == CV_ROLE_STREAM && h.token != 0 && h.fd <= 2 && !stream_find(h.token)) {
        /* From now on the socket carries only program bytes: stop watching it. */
        ep_ctl(EPOLL_CTL_DEL, c->fd, NULL);
        c->role = CV_ROLE_STREAM;
        c->token = h.token;
        c->deadline = cv_now_ms() + (int64_t)S.plan->stream_timeout_ms;
        try_pending();
        return;
    }
    if (h.role == CV_ROLE_STREAM) {
        conn_close(c);
        return;
    }
    c->role = CV_ROLE_CONTROL;
    send_error(c, 0, CV_STEP_HELLO, "", EPROTO, "", "bad HELLO role or fields");
    conn_close(c);
}

/* Before HELLO: read exactly the HELLO frame and not one byte more. */
static int read_hello(struct conn *c)
{
    for (;;) {
        size_t need;
        if (c->hello_len < CV_FRAME_HEADER) {
            need = CV_FRAME_HEADER - c->hello_len;
        } else {
            uint32_t flen;
            uint16_t type;
            if (cv_frame_header(c->hello, &flen, &type) != 0 || type != CV_T_HELLO || flen - 2 > HELLO_PAYLOAD_MAX) {
                c->role = CV_ROLE_CONTROL;
                send_error(c, 0, CV_STEP_HELLO, "", EPROTO, "", "the first frame must be a HELLO");
                conn_close(c);
                return -1;
            }
            need = 4 + flen - c->hello_len;
            if (need == 0) {
                on_hello(c);
                return c->dead ? -1 : 0;
            }
        }
        ssize_t r = recv(c->fd, c->hello + c->hello_len, need, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return 1;
            conn_close(c);
            return -1;
        }
        if (r == 0) {
            conn_close(c);
            return -1;
        }
        c->hello_len += (size_t)r;
    }
}

static void on_conn(struct conn *c, uint32_t events)
{
    if (c->dead)
        return;
    if (events & EPOLLOUT)
        conn_flush(c);
    if (c->dead || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        return;
    if (c->role == 0) {
        int r = read_hello(c);
        if (r != 0 || c->role != CV_ROLE_CONTROL)
            return;
    }
    for (;;) {
        uint8_t buf[65536];
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                conn_close(c);
            break;
        }
        if (r == 0) {
            conn_close(c);
            break;
        }
        if (S.in_total + (size_t)r > MAX_IN_TOTAL) {
            send_error(c, 0, CV_STEP_PROTOCOL, "", ENOBUFS, "", "unfinished frames of all connections over 32 MiB");
            conn_close(c);
            return;
        }
        size_t before = c->in.len;
        cv_buf_bytes(&c->in, buf, (size_t)r);
        S.in_total += c->in.len - before;
        if (c->in.oom) {
            conn_close(c);
            return;
        }
        size_t off = 0;
        for (;;) {
            uint16_t type;
            const uint8_t *pl;
            size_t pn, total;
            int k = cv_frame_peek(c->in.data + off, c->in.len - off, &type, &pl, &pn, &total);
            if (k == 0)
                break;
            if (k < 0) {
                send_error(c, 0, CV_STEP_PROTOCOL, "", EMSGSIZE, "", "frame length out of range");
                conn_close(c);
                return;
            }
            on_frame(c, type, pl, pn);
            off += total;
            if (c->dead)
                return;
        }
        if (off) {
            memmove(c->in.data, c->in.data + off, c->in.len - off);
            c->in.len -= off;
            S.in_total -= off;
        }
    }
}

/* One log line per LOG_EVERY_MS at most, counting what it stands for: a client that floods the
 * socket must not fill helper.log. */
static void log_refusal(const char *what, int err)
{
    int64_t now = cv_now_ms();
    S.refused++;
    if (S.last_refusal_log && now - S.last_refusal_log < LOG_EVERY_MS)
        return;
    char eb[16];
    cv_log("control: %s (%s; %lu time(s) since the last such line)", what, err ? cv_errno_name(err, eb, sizeof eb) : "-",
           S.refused);
    S.last_refusal_log = now;
    S.refused = 0;
}

/* The oldest connection that has not said HELLO yet (the list is newest first), or NULL. */
static struct conn *oldest_without_hello(void)
{
    struct conn *found = NULL;
    for (struct conn *c = S.conns; c; c = c->next)
        if (!c->dead && c->role == 0)
            found = c;
    return found;
}

static void listen_pause(int err)
{
    struct epoll_event e = { .events = 0, .data.ptr = &S.lev };
    ep_ctl(EPOLL_CTL_MOD, S.lfd, &e);
    S.listen_resume = cv_now_ms() + LISTEN_BACKOFF_MS;
    log_refusal("accept4 failed, not accepting for 100 ms", err);
}

static void listen_resume(int64_t now)
{
    if (!S.listen_resume || now < S.listen_resume)
        return;
    struct epoll_event e = { .events = EPOLLIN, .data.ptr = &S.lev };
    ep_ctl(EPOLL_CTL_MOD, S.lfd, &e);
    S.listen_resume = 0;
}

static void on_listen(void)
{
    for (;;) {
        int fd = accept4(S.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                listen_pause(errno);
            else if (errno != EAGAIN)
                cv_log("accept4: %s", strerror(errno));
            return;
        }
        /* Only a peer outside the container's pid namespace may talk to PID 1: the JVM, the CLI and
         * the supervisor all show as pid 0 here. A process inside that reached the socket (through a
         * bind of a directory holding the state root) shows its own pid and is turned away. */
        struct ucred cred = { .pid = -1 };
        socklen_t cl = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 || cred.pid != 0) {
            log_refusal("refused a client inside the container's pid namespace", 0);
            close(fd);
            continue;
        }
        if (S.nlive >= MAX_CONNS) {
            struct conn *idle = oldest_without_hello();
            if (!idle) {
                log_refusal("refused a connection: 1024 connections open, all past HELLO", 0);
                close(fd);
                continue;
            }
            conn_close(idle);
        }
        struct conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->ev.kind = EV_CONN;
        c->fd = fd;
        c->deadline = cv_now_ms() + (int64_t)S.plan->stream_timeout_ms;
        struct epoll_event e = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(S.ep, EPOLL_CTL_ADD, fd, &e) != 0) {
            close(fd);
            free(c);
            continue;
        }
        c->next = S.conns;
        S.conns = c;
        S.nlive++;
    }
}

static void on_signal(void)
{
    for (;;) {
        struct signalfd_siginfo si;
        ssize_t r = read(S.sfd, &si, sizeof si);
        if (r != (ssize_t)sizeof si)
            break;
        if (si.ssi_signo == SIGCHLD)
            continue; /* reaped below */
        /* A blocked signal is never ignored by the kernel, so the rule that init ignores signals from
         * inside its namespace does not hold here: ssi_pid is 0 for the supervisor and host senders,
         * non-zero for a process inside, whose TERM/INT must not stop the container. */
        if ((si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) && si.ssi_pid == 0)
            start_shutdown(S.plan->stop_grace_ms);
    }
    reap();
}

static void expire(int64_t now)
{
    char detail[96];
    struct pending *pd = S.pend;
    while (pd) {
        struct pending *next = pd->next;
        if (now >= pd->deadline) {
            int missing = 0;
            for (int i = 0; i < 3; i++)
                if (pd->req.tokens[i] && !stream_find(pd->req.tokens[i])) {
                    missing = i;
                    break;
                }
            snprintf(detail, sizeof detail, "stream for fd %d not attached within %llu ms", missing,
                     (unsigned long long)S.plan->stream_timeout_ms);
            send_error(pd->owner, pd->req.req_id, CV_STEP_STREAM_ATTACH, "", ETIMEDOUT, "", detail);
            pending_free(pd, 1);
        }
        pd = next;
    }
    for (struct conn *c = S.conns; c; c = c->next)
        if (!c->dead && (c->role == CV_ROLE_STREAM || c->role == 0) && now >= c->deadline)
            conn_close(c);
    listen_resume(now);
}

static int next_timeout(int64_t now)
{
    int64_t t = -1;
    for (struct pending *pd = S.pend; pd; pd = pd->next)
        if (t < 0 || pd->deadline < t)
            t = pd->deadline;
    for (struct conn *c = S.conns; c; c = c->next)
        if (!c->dead && (c->role == CV_ROLE_STREAM || c->role == 0) && (t < 0 || c->deadline < t))
            t = c->deadline;
    if (S.listen_resume && (t < 0 || S.listen_resume < t))
        t = S.listen_resume;
    if (S.shutting && (t < 0 || S.shut_deadline < t))
        t = S.shut_deadline;
    if (t < 0)
        return -1;
    t -= now;
    if (t < 0)
        return 0;
    return t > 60000 ? 60000 : (int)t + 1;
}

static void sweep(void)
{
    /* First let go of what dead control connections owned (this may close streams), then
     * free every dead connection: nothing refers to them any more. */
    for (struct conn *c = S.conns; c; c = c->next)
        if (c->dead && c->role == CV_ROLE_CONTROL)
            release_owned(c);
    for (struct conn **pp = &S.conns; *pp;) {
        struct conn *c = *pp;
        if (c->dead) {
            *pp = c->next;
            S.in_total -= c->in.len;
            cv_buf_free(&c->in);
            cv_buf_free(&c->out);
            free(c);
        } else {
            pp = &c->next;
        }
    }
}

int cv_pid1_prepare(const struct cv_plan *p, int lfd, int sfd, struct cv_fail *f)
{
    S.plan = p;
    S.lfd = lfd;
    S.sfd = sfd;
    S.last_cap = cv_caps_last_cap();
    /* Bounding, ambient and inheritable once here, for every child to inherit: each change makes
     * new credentials, too slow to repeat per spawn. PID 1 keeps its permitted and effective sets. */
    if (p->has_caps && cv_caps_before_setuid(&p->caps, S.last_cap, f) != 0)
        return -1;
    /* A session keyring of the container's own (anonymous, joined by PID 1 before any spawn): the one
     * inherited from the JVM is the host's, whose keys a container process would possess wherever
     * keyctl is allowed (a policy's allowSyscalls, log-only seccomp). As runc does. */
    if (syscall(SYS_keyctl, 1L /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) < 0) {
        char eb[16];
        cv_log("keyctl: cannot join a session keyring of the container's own (%s): it keeps the host's",
               cv_errno_name(errno, eb, sizeof eb));
    }
    /* Before any spawn, so every container process inherits the scope (and siblings, in the
     * same domain, still reach each other's abstract sockets). */
    if (p->scope_abstract_unix) {
        int scoped = cv_landlock_scope_abstract_unix(f);
        if (scoped < 0)
            return -1;
        if (scoped == 0)
            cv_log("landlock: no abstract Unix socket scope in this kernel (Landlock ABI %d, needs 6): host abstract sockets stay reachable",
                   cv_landlock_abi());
    }
    S.landlock_fd = -1;
    if (p->nlandlock && (S.landlock_fd = cv_landlock_build(p->landlock, p->nlandlock, f)) < 0)
        return -1;
    if (p->has_seccomp && cv_seccomp_compile(p->seccomp_default, p->seccomp_rules, p->nseccomp_rules,
                                             p->seccomp_log ? CV_SC_LOG_ONLY : 0, &S.seccomp, f) != 0)
        return -1;
    S.nullfd = CV_RETRY(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (S.nullfd < 0) {
        cv_fail_set(f, CV_STEP_EVENT_LOOP, "open", errno, "/dev/null", NULL);
        return -1;
    }
    S.ep = epoll_create1(EPOLL_CLOEXEC);
    if (S.ep < 0) {
        cv_fail_set(f, CV_STEP_EVENT_LOOP, "epoll_create1", errno, "", NULL);
        return -1;
    }
    S.lev.kind = EV_LISTEN;
    S.sev.kind = EV_SIGNAL;
    struct epoll_event e = { .events = EPOLLIN, .data.ptr = &S.lev };
    if (epoll_ctl(S.ep, EPOLL_CTL_ADD, lfd, &e) != 0) {
        cv_fail_set(f, CV_STEP_EVENT_LOOP, "epoll_ctl", errno, p->control_socket, "adding the control socket");
        return -1;
    }
    e.data.ptr = &S.sev;
    if (epoll_ctl(S.ep, EPOLL_CTL_ADD, sfd, &e) != 0) {
        cv_fail_set(f, CV_STEP_EVENT_LOOP, "epoll_ctl", errno, "", "adding the signalfd");
        return -1;
    }
    return 0;
}

void cv_pid1_serve(void)
{
    for (;;) {
        struct epoll_event evs[64];
        int n = epoll_wait(S.ep, evs, 64, next_timeout(cv_now_ms()));
        if (n < 0 && errno != EINTR) {
            cv_log("epoll_wait: %s", strerror(errno));
            start_shutdown(0);
            finish();
        }
        for (int i = 0; i < n; i++) {
            struct ev *ev = evs[i].data.ptr;
            switch (ev->kind) {
            case EV_LISTEN:
                on_listen();
                break;
            case EV_SIGNAL:
                on_signal();
                break;
            case EV_CONN:
                on_conn((struct conn *)ev, evs[i].events);
                break;
            case EV_EXEC:
                on_exec((struct proc *)ev);
                break;
            default:
                break;
            }
        }
        int64_t now = cv_now_ms();
        expire(now);
        if (S.shutting && (!have_children() || now >= S.shut_deadline)) {
            reap();
            finish();
        }
        sweep();
    }
}
