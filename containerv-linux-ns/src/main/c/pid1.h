/*
 * pid1.h - the container's PID 1 after setup: the control-socket server and reaper.
 *
 * Never: returns to the caller; it exits when the container stops.
 */
#ifndef CV_PID1_H
#define CV_PID1_H

#include "plan.h"

/* Serve on the listening socket lfd with signalfd sfd until shutdown; then exit(0). */
__attribute__((noreturn)) void cv_pid1_serve(const struct cv_plan *p, int lfd, int sfd);

#endif
