/*
 * supervisor.h - the outer half of `init`: clones the init, joins cgroups, relays the
 * status line, watches the owner pipe, and cleans up when the init is gone.
 *
 * Never: enters the container's namespaces or touches the container's filesystem.
 */
#ifndef CV_SUPERVISOR_H
#define CV_SUPERVISOR_H

/* Entry of `containerv-helper init <plan>`; with early CV_START_EARLY, of `init <plan> early`
 * (started before the plan is written: it waits for the line naming its log on stdin,
 * standby.c), with CV_START_STANDBY of `init <room> standby:<idle-ms>` (plan_path is then the room: the
 * line names the plan), and with early_userns of either with `userns-self` (rootless: the user
 * namespace is made first); returns the process exit code. */
int cv_supervisor_main(const char *plan_path, int early, int early_userns);

#endif
