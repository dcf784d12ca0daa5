/*
 * supervisor.h - the outer half of `init`: clones the init, joins cgroups, relays the
 * status line, watches the owner pipe, and cleans up when the init is gone.
 *
 * Never: enters the container's namespaces or touches the container's filesystem.
 */
#ifndef CV_SUPERVISOR_H
#define CV_SUPERVISOR_H

/* Entry of `containerv-helper init <plan>`; with early, of `init <plan> early` (started before
 * the plan is written: it waits for the line naming its log on stdin, standby.c), and with
 * early_userns of `init <plan> early userns-self` (rootless: the user namespace is made first);
 * returns the process exit code. */
int cv_supervisor_main(const char *plan_path, int early, int early_userns);

#endif
