/*
 * pid1.h - the container's PID 1 after setup: the control-socket server and reaper.
 *
 * Never: returns to the caller; it exits when the container stops.
 */
#ifndef CV_PID1_H
#define CV_PID1_H

#include "plan.h"
#include "report.h"

/* Before "ok": the event loop's epoll set with the listening socket lfd and the signalfd
 * sfd, and /dev/null for streams a SPAWN does not want. Returns 0 or -1 with f filled (step
 * event-loop), so a loop that could not start is a create failure, not a silent one. */
int cv_pid1_prepare(const struct cv_plan *p, int lfd, int sfd, struct cv_fail *f);

/* Serve until shutdown, then exit(0). A failure of the epoll set itself is fatal: exit(1). */
__attribute__((noreturn)) void cv_pid1_serve(void);

#endif
