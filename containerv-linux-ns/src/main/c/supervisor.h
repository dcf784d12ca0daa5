/*
 * supervisor.h - the outer half of `init`: clones the init, joins cgroups, relays the
 * status line, watches the owner pipe, and cleans up when the init is gone.
 *
 * Never: enters the container's namespaces or touches the container's filesystem.
 */
#ifndef CV_SUPERVISOR_H
#define CV_SUPERVISOR_H

/* Entry of `containerv-helper init <plan>`; returns the process exit code. */
int cv_supervisor_main(const char *plan_path);

#endif
