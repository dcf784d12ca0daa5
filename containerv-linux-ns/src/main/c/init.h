/*
 * init.h - the inner half of `init`: the container's PID 1 from clone to "ready".
 *
 * Never: returns; it either becomes the server (pid1.c) or reports a failure and exits.
 */
#ifndef CV_INIT_H
#define CV_INIT_H

#include "plan.h"

/* go_fd: the supervisor's "go" byte (EOF = abort). rep_fd: where "ok\n" or an error line
 * goes. */
__attribute__((noreturn)) void cv_init_main(const struct cv_plan *p, int go_fd, int rep_fd);

#endif
