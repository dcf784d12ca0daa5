/*
 * pid1_conns.c - the control server's connections (docs/linux-helper-protocol.md 5.1-5.3, 5.9):
 * accepting (only peers outside the container's pid namespace, at most MAX_CONNS, the listener's
 * back-off on EMFILE), exactly the HELLO frame first, then control frames read into a buffer and
 * handed to pid1_requests.c, buffered non-blocking output, and closing (dead first, freed by the
 * loop's sweep: pid1_state.h).
 *
 * Never: blocks on a client, or reads a byte past HELLO from a stream connection.
 */
#include "pid1_state.h"
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---------- output ---------- */


static void ep_mod(struct conn *c, int want_out)
{
    if (c->want_out == want_out || c->dead)
        return;
    struct epoll_event e = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = c };
    pid1_ep_ctl(EPOLL_CTL_MOD, c->fd, &e);
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
            pid1_conn_close(c);
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
void pid1_conn_queued(struct conn *c)
{
    if (c->dead)
        return;
    if (c->out.oom || c->out.len - c->out_off > MAX_OUT_BACKLOG) {
        cv_log("client fd %d: output backlog too large or out of memory, closing", c->fd);
        pid1_conn_close(c);
        return;
    }
    conn_flush(c);
}

void pid1_send_error(struct conn *c, uint32_t req, enum cv_step step, const char *sc, int err,
                       const char *path, const char *detail)
{
    if (!c || c->dead)
        return;
    char eb[16];
    struct cv_error_msg m = { req, cv_step_name(step), sc, err ? cv_errno_name(err, eb, sizeof eb) : "", err, path, detail };
    cv_encode_error(&c->out, &m);
    pid1_conn_queued(c);
}

void pid1_send_fail(struct conn *c, uint32_t req, const struct cv_fail *f)
{
    pid1_send_error(c, req, f->step, f->syscall, f->err, f->path, f->detail);
}

/* ---------- connections ---------- */

/* Marks the connection dead and closes its socket; nothing else. Callers are often in the
 * middle of walking a proc or pending that names this connection (a failed send during
 * deliver_exit, exec_resolved, do_spawn, expire), so what it owned is let go later, in
 * sweep(), once no such walk is in progress. Until then every user checks c->dead. */
void pid1_conn_close(struct conn *c)
{
    if (c->dead)
        return;
    c->dead = 1;
    pid1.nlive--;
    if (c->fd >= 0) {
        pid1_ep_ctl(EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
}

/* A dead control connection's pending SPAWNs go (with their streams), its WAITs are
 * forgotten, and its running children keep running, reaped later as ownerless. */
void pid1_release_owned(struct conn *c)
{
    struct pending *pd = pid1.pend;
    while (pd) {
        struct pending *next = pd->next;
        if (pd->owner == c)
            pid1_pending_free(pd, 1);
        pd = next;
    }
    for (struct proc *p = pid1.procs; p; p = p->next) {
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
            pid1_conn_close(c);
            return;
        }
        c->role = CV_ROLE_CONTROL; /* so the ERROR is sent; closed right after */
        pid1_send_error(c, 0, CV_STEP_HELLO, "", EPROTO, "", detail);
        pid1_conn_close(c);
        return;
    }
    if (h.role == CV_ROLE_CONTROL && h.fd == 0 && h.token == 0) {
        c->role = CV_ROLE_CONTROL;
        cv_encode_hello_server(&c->out, CV_PROTOCOL_VERSION, CV_HELPER_VERSION);
        pid1_conn_queued(c);
        return;
    }
    if (h.role == CV_ROLE_STREAM && h.token != 0 && h.fd <= 2 && !pid1_stream_find(h.token)) {
        /* From now on the socket carries only program bytes: stop watching it. */
        pid1_ep_ctl(EPOLL_CTL_DEL, c->fd, NULL);
        c->role = CV_ROLE_STREAM;
        c->token = h.token;
        c->deadline = cv_now_ms() + (int64_t)pid1.plan->stream_timeout_ms;
        pid1_try_pending();
        return;
    }
    if (h.role == CV_ROLE_STREAM) {
        pid1_conn_close(c);
        return;
    }
    c->role = CV_ROLE_CONTROL;
    pid1_send_error(c, 0, CV_STEP_HELLO, "", EPROTO, "", "bad HELLO role or fields");
    pid1_conn_close(c);
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
                pid1_send_error(c, 0, CV_STEP_HELLO, "", EPROTO, "", "the first frame must be a HELLO");
                pid1_conn_close(c);
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
            pid1_conn_close(c);
            return -1;
        }
        if (r == 0) {
            pid1_conn_close(c);
            return -1;
        }
        c->hello_len += (size_t)r;
    }
}

void pid1_on_conn(struct conn *c, uint32_t events)
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
                pid1_conn_close(c);
            break;
        }
        if (r == 0) {
            pid1_conn_close(c);
            break;
        }
        if (pid1.in_total + (size_t)r > MAX_IN_TOTAL) {
            pid1_send_error(c, 0, CV_STEP_PROTOCOL, "", ENOBUFS, "", "unfinished frames of all connections over 32 MiB");
            pid1_conn_close(c);
            return;
        }
        size_t before = c->in.len;
        cv_buf_bytes(&c->in, buf, (size_t)r);
        pid1.in_total += c->in.len - before;
        if (c->in.oom) {
            pid1_conn_close(c);
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
                pid1_send_error(c, 0, CV_STEP_PROTOCOL, "", EMSGSIZE, "", "frame length out of range");
                pid1_conn_close(c);
                return;
            }
            pid1_on_frame(c, type, pl, pn);
            off += total;
            if (c->dead)
                return;
        }
        if (off) {
            memmove(c->in.data, c->in.data + off, c->in.len - off);
            c->in.len -= off;
            pid1.in_total -= off;
        }
    }
}

/* One log line per LOG_EVERY_MS at most, counting what it stands for: a client that floods the
 * socket must not fill helper.log. */
static void log_refusal(const char *what, int err)
{
    int64_t now = cv_now_ms();
    pid1.refused++;
    if (pid1.last_refusal_log && now - pid1.last_refusal_log < LOG_EVERY_MS)
        return;
    char eb[16];
    cv_log("control: %s (%s; %lu time(s) since the last such line)", what, err ? cv_errno_name(err, eb, sizeof eb) : "-",
           pid1.refused);
    pid1.last_refusal_log = now;
    pid1.refused = 0;
}

/* The oldest connection that has not said HELLO yet (the list is newest first), or NULL. */
static struct conn *oldest_without_hello(void)
{
    struct conn *found = NULL;
    for (struct conn *c = pid1.conns; c; c = c->next)
        if (!c->dead && c->role == 0)
            found = c;
    return found;
}

static void listen_pause(int err)
{
    struct epoll_event e = { .events = 0, .data.ptr = &pid1.lev };
    pid1_ep_ctl(EPOLL_CTL_MOD, pid1.lfd, &e);
    pid1.listen_resume = cv_now_ms() + LISTEN_BACKOFF_MS;
    log_refusal("accept4 failed, not accepting for 100 ms", err);
}

void pid1_listen_resume(int64_t now)
{
    if (!pid1.listen_resume || now < pid1.listen_resume)
        return;
    struct epoll_event e = { .events = EPOLLIN, .data.ptr = &pid1.lev };
    pid1_ep_ctl(EPOLL_CTL_MOD, pid1.lfd, &e);
    pid1.listen_resume = 0;
}

void pid1_on_listen(void)
{
    for (;;) {
        int fd = accept4(pid1.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
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
        if (pid1.nlive >= MAX_CONNS) {
            struct conn *idle = oldest_without_hello();
            if (!idle) {
                log_refusal("refused a connection: 1024 connections open, all past HELLO", 0);
                close(fd);
                continue;
            }
            pid1_conn_close(idle);
        }
        struct conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->ev.kind = EV_CONN;
        c->fd = fd;
        c->deadline = cv_now_ms() + (int64_t)pid1.plan->stream_timeout_ms;
        struct epoll_event e = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(pid1.ep, EPOLL_CTL_ADD, fd, &e) != 0) {
            close(fd);
            free(c);
            continue;
        }
        c->next = pid1.conns;
        pid1.conns = c;
        pid1.nlive++;
    }
}
