/*
 * pid1.c - the init's event loop (docs/linux-helper-protocol.md section 5): the epoll set, the
 * signalfd (SIGCHLD reaps, TERM/INT from outside stop the container), deadlines (stream attach,
 * HELLO, the listener's back-off, the stop's grace) and the sweep of dead connections; before
 * "ok", what every spawn inherits (capability sets, session keyring, Landlock scope and ruleset,
 * the seccomp filter the supervisor compiled). Connections live in pid1_conns.c, processes and spawns in
 * pid1_procs.c, the control requests and the stop in pid1_requests.c; pid1_state.h holds what
 * they share and the rule on a dead connection's lifetime.
 *
 * Never: blocks on one client (all sockets are non-blocking, output is buffered), copies
 * program output (stream sockets go to the child as fds 0/1/2), or decides policy.
 */
#include "pid1.h"
#include "pid1_state.h"
#include "caps.h"
#include "landlock.h"
#include "seccomp_handoff.h"
#include "util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

struct pid1_state pid1;

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

void pid1_ep_ctl(int op, int fd, struct epoll_event *e)
{
    if (epoll_ctl(pid1.ep, op, fd, e) == 0)
        return;
    /* DEL of an fd that was never added (do_spawn's blocking fallback) is no loss. */
    if (op == EPOLL_CTL_DEL && errno == ENOENT)
        return;
    event_loop_fatal(op == EPOLL_CTL_ADD ? "ADD" : op == EPOLL_CTL_MOD ? "MOD" : "DEL", fd, errno);
}

/* ---------- the loop ---------- */

static void on_signal(void)
{
    for (;;) {
        struct signalfd_siginfo si;
        ssize_t r = read(pid1.sfd, &si, sizeof si);
        if (r != (ssize_t)sizeof si)
            break;
        if (si.ssi_signo == SIGCHLD)
            continue; /* reaped below */
        /* A blocked signal is never ignored by the kernel, so the rule that init ignores signals from
         * inside its namespace does not hold here: ssi_pid is 0 for the supervisor and host senders,
         * non-zero for a process inside, whose TERM/INT must not stop the container. */
        if ((si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) && si.ssi_pid == 0)
            pid1_start_shutdown(pid1.plan->stop_grace_ms);
    }
    pid1_reap();
}

static void expire(int64_t now)
{
    char detail[96];
    struct pending *pd = pid1.pend;
    while (pd) {
        struct pending *next = pd->next;
        if (now >= pd->deadline) {
            int missing = 0;
            for (int i = 0; i < 3; i++)
                if (pd->req.tokens[i] && !pid1_stream_find(pd->req.tokens[i])) {
                    missing = i;
                    break;
                }
            snprintf(detail, sizeof detail, "stream for fd %d not attached within %llu ms", missing,
                     (unsigned long long)pid1.plan->stream_timeout_ms);
            pid1_send_error(pd->owner, pd->req.req_id, CV_STEP_STREAM_ATTACH, "", ETIMEDOUT, "", detail);
            pid1_pending_free(pd, 1);
        }
        pd = next;
    }
    for (struct conn *c = pid1.conns; c; c = c->next)
        if (!c->dead && (c->role == CV_ROLE_STREAM || c->role == 0) && now >= c->deadline)
            pid1_conn_close(c);
    pid1_listen_resume(now);
}

static int next_timeout(int64_t now)
{
    int64_t t = -1;
    for (struct pending *pd = pid1.pend; pd; pd = pd->next)
        if (t < 0 || pd->deadline < t)
            t = pd->deadline;
    for (struct conn *c = pid1.conns; c; c = c->next)
        if (!c->dead && (c->role == CV_ROLE_STREAM || c->role == 0) && (t < 0 || c->deadline < t))
            t = c->deadline;
    if (pid1.listen_resume && (t < 0 || pid1.listen_resume < t))
        t = pid1.listen_resume;
    if (pid1.shutting && (t < 0 || pid1.shut_deadline < t))
        t = pid1.shut_deadline;
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
    for (struct conn *c = pid1.conns; c; c = c->next)
        if (c->dead && c->role == CV_ROLE_CONTROL)
            pid1_release_owned(c);
    for (struct conn **pp = &pid1.conns; *pp;) {
        struct conn *c = *pp;
        if (c->dead) {
            *pp = c->next;
            pid1.in_total -= c->in.len;
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
    pid1.plan = p;
    pid1.lfd = lfd;
    pid1.sfd = sfd;
    pid1.last_cap = cv_caps_last_cap();
    /* Bounding, ambient and inheritable once here, for every child to inherit: each change makes
     * new credentials, too slow to repeat per spawn. PID 1 keeps its permitted and effective sets. */
    if (p->has_caps && cv_caps_before_setuid(&p->caps, pid1.last_cap, f) != 0)
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
    pid1.landlock_fd = -1;
    if (p->nlandlock && (pid1.landlock_fd = cv_landlock_build(p->landlock, p->nlandlock, f)) < 0)
        return -1;
    /* The supervisor compiled the plan's filter while this init mounted (seccomp_handoff.h); one it
     * could not hand over (nothing on the pipe) is compiled here. */
    if (p->has_seccomp) {
        int got = cv_seccomp_handoff_fd < 0 ? 1 : cv_seccomp_receive(cv_seccomp_handoff_fd, &pid1.seccomp, f);
        if (cv_seccomp_handoff_fd >= 0)
            close(cv_seccomp_handoff_fd);
        cv_seccomp_handoff_fd = -1;
        if (got < 0)
            return -1;
        if (got > 0 && cv_seccomp_compile(p->seccomp_default, p->seccomp_rules, p->nseccomp_rules,
                                          p->seccomp_log ? CV_SC_LOG_ONLY : 0, &pid1.seccomp, f) != 0)
            return -1;
    }
    pid1.nullfd = CV_RETRY(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (pid1.nullfd < 0) {
        cv_fail_set(f, CV_STEP_EVENT_LOOP, "open", errno, "/dev/null", NULL);
        return -1;
    }
    pid1.ep = epoll_create1(EPOLL_CLOEXEC);
    if (pid1.ep < 0) {
        cv_fail_set(f, CV_STEP_EVENT_LOOP, "epoll_create1", errno, "", NULL);
        return -1;
    }
    pid1.lev.kind = EV_LISTEN;
    pid1.sev.kind = EV_SIGNAL;
    struct epoll_event e = { .events = EPOLLIN, .data.ptr = &pid1.lev };
    if (epoll_ctl(pid1.ep, EPOLL_CTL_ADD, lfd, &e) != 0) {
        cv_fail_set(f, CV_STEP_EVENT_LOOP, "epoll_ctl", errno, p->control_socket, "adding the control socket");
        return -1;
    }
    e.data.ptr = &pid1.sev;
    if (epoll_ctl(pid1.ep, EPOLL_CTL_ADD, sfd, &e) != 0) {
        cv_fail_set(f, CV_STEP_EVENT_LOOP, "epoll_ctl", errno, "", "adding the signalfd");
        return -1;
    }
    return 0;
}

void cv_pid1_serve(void)
{
    for (;;) {
        struct epoll_event evs[64];
        int n = epoll_wait(pid1.ep, evs, 64, next_timeout(cv_now_ms()));
        if (n < 0 && errno != EINTR) {
            cv_log("epoll_wait: %s", strerror(errno));
            pid1_start_shutdown(0);
            pid1_finish();
        }
        for (int i = 0; i < n; i++) {
            struct ev *ev = evs[i].data.ptr;
            switch (ev->kind) {
            case EV_LISTEN:
                pid1_on_listen();
                break;
            case EV_SIGNAL:
                on_signal();
                break;
            case EV_CONN:
                pid1_on_conn((struct conn *)ev, evs[i].events);
                break;
            case EV_EXEC:
                pid1_on_exec((struct proc *)ev);
                break;
            default:
                break;
            }
        }
        int64_t now = cv_now_ms();
        expire(now);
        if (pid1.shutting && (!pid1_have_children() || now >= pid1.shut_deadline)) {
            pid1_reap();
            pid1_finish();
        }
        sweep();
    }
}
