/*
 * seccomp_handoff.h - the compiled seccomp program handed from the supervisor to the init through a
 * pipe: the supervisor compiles the plan's filter (libseccomp, about 0.26 ms on the CI machine) after it
 * has told the init to go, so the compile runs while the init mounts the container's file systems
 * instead of before its "ok"; the init reads the program when it prepares its event loop.
 *
 * Never: trusts a length the program could not have (0, or more than the kernel's BPF_MAXINSNS), or
 * blocks the supervisor on a full pipe (a program the pipe cannot hold is not sent: the init then
 * compiles it itself, as before).
 */
#ifndef CV_SECCOMP_HANDOFF_H
#define CV_SECCOMP_HANDOFF_H

#include "report.h"
#include "seccomp.h"

/* In the init: the read end of the handoff pipe, -1 when the plan has no filter. */
extern int cv_seccomp_handoff_fd;

/* Supervisor: writes the program (a header with its length, then the instructions), or nothing.
 * Returns 0, or -1 with errno (EPIPE: the init is gone, its own report says why; EAGAIN: the pipe
 * cannot hold the program, nothing was written). */
int cv_seccomp_send(int fd, const struct cv_seccomp *s);

/* Init: reads one program into out (owned by the caller, cv_seccomp_free). Returns 0; 1 when the
 * supervisor closed the pipe without writing anything (the init compiles the filter itself); or -1
 * with f (step seccomp, syscall read: EPIPE for a program cut short, EPROTO for a length no filter
 * has). */
int cv_seccomp_receive(int fd, struct cv_seccomp *out, struct cv_fail *f);

#endif
