/*
 * pid1_state.h - what the files of the init's control server share (pid1.c: the event loop;
 * pid1_conns.c: connections, HELLO, frames in and out, the listener and its limits; pid1_procs.c:
 * spawned processes, their exec reports, reaping, pending SPAWNs; pid1_requests.c: the control
 * requests and the container's stop). Internal to those four files.
 *
 * The one rule they all keep, and why they share this state: a connection that closes is only
 * marked dead (pid1_conn_close); what it owned (pending SPAWNs, WAITs, spawned processes) is let
 * go, and the connection freed, only in the loop's sweep, when no walk over processes or pending
 * SPAWNs can still name it. Every user of a connection checks c->dead until then.
 *
 * Never: included outside the pid1 files.
 */
#ifndef CV_PID1_STATE_H
#define CV_PID1_STATE_H

#include "plan.h"
#include "proto.h"
#include "report.h"
#include "seccomp.h"
#include "spawn.h"
#include "passwd.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/types.h>


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

struct pid1_state {
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
};

/* The server's state: one per process (PID 1 runs one server). */
extern struct pid1_state pid1;

/* pid1.c: the epoll set (a failure to change it is fatal: exit 1). */
void pid1_ep_ctl(int op, int fd, struct epoll_event *e);

/* pid1_conns.c */
void pid1_conn_close(struct conn *c);
void pid1_conn_queued(struct conn *c);
void pid1_send_error(struct conn *c, uint32_t req, enum cv_step step, const char *sc, int err, const char *path,
                     const char *detail);
void pid1_send_fail(struct conn *c, uint32_t req, const struct cv_fail *f);
void pid1_release_owned(struct conn *c);
void pid1_on_conn(struct conn *c, uint32_t events);
void pid1_on_listen(void);
void pid1_listen_resume(int64_t now);

/* pid1_procs.c */
size_t pid1_live_count(void);
struct proc *pid1_proc_find(pid_t pid);
void pid1_proc_free(struct proc *p);
void pid1_deliver_exit(struct proc *p);
void pid1_on_exec(struct proc *p);
void pid1_reap(void);
struct conn *pid1_stream_find(uint64_t token);
void pid1_pending_free(struct pending *pd, int close_streams);
void pid1_try_pending(void);
void pid1_on_spawn(struct conn *c, const uint8_t *pl, size_t n);

/* pid1_requests.c */
void pid1_on_frame(struct conn *c, uint16_t type, const uint8_t *pl, size_t n);
void pid1_start_shutdown(uint64_t grace_ms);
int pid1_have_children(void);
__attribute__((noreturn)) void pid1_finish(void);

#endif
