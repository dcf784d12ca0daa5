/*
 * supervisor.h - the outer half of `init`: clones the init, joins cgroups, relays the
 * status line, watches the owner pipe, and cleans up when the init is gone.
 *
 * Never: enters the container's namespaces or touches the container's filesystem.
 */
#ifndef CV_SUPERVISOR_H
#define CV_SUPERVISOR_H

/* Entry of `containerv-helper init <plan>`, or of `init -` (the plan's and the log's paths come
 * on stdin, standby.c), with early_userns for `init - userns-self` (rootless: the user namespace
 * is made before the plan is read); returns the process exit code. */
int cv_supervisor_main(const char *plan_arg, int early_userns);

#endif
