/*
 * hostpid.h - the host pid of a spawned process. The init sees only its pid namespace; the
 * supervisor, in the namespace the JVM sees, translates: the init asks over a seqpacket pair
 * right after the fork (its child cannot have been reaped yet: only the init reaps it), the
 * supervisor finds the init's child whose innermost NSpid is that pid and answers its host pid.
 *
 * Never: answers for a process that is not a child of the init, or blocks the init longer than
 * CV_HOSTPID_TIMEOUT_MS (an unknown host pid is 0, and the JVM looks it up itself).
 */
#ifndef CV_HOSTPID_H
#define CV_HOSTPID_H

#include <stdint.h>
#include <sys/types.h>

#define CV_HOSTPID_TIMEOUT_MS 1000

/* The init's end of the pair (set in the clone child before cv_init_main); -1: none. */
extern int cv_hostpid_fd;

/* Init side: the host pid of the init's child `pid`, or 0 if it cannot be told. */
uint32_t cv_hostpid_ask(pid_t pid);

/* Supervisor side: answers every question waiting on `fd` about the children of `init_pid`;
 * -1 once the init's end is closed (stop polling it), else 0. */
int cv_hostpid_serve(int fd, pid_t init_pid);

/* The host pid of the child of `init_pid` whose innermost pid is `ns_pid`, read through
 * `proc` (normally "/proc"); 0 if there is none. */
uint32_t cv_hostpid_find(const char *proc, pid_t init_pid, pid_t ns_pid);

#endif
