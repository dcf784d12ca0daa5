/*
 * title.h - what PID 1 shows of itself: its command line reads "containerv-helper init", naming
 * nothing of the host (the helper's cache path and the plan's state directory were visible in
 * /proc/1/cmdline to every container process).
 *
 * Never: fails a create (a title it cannot change is logged), or touches the supervisor's memory
 * (the init's is a copy).
 */
#ifndef CV_TITLE_H
#define CV_TITLE_H

/* Overwrites this process's argument area with "containerv-helper\0init\0" and, where the kernel
 * lets it (CAP_SYS_RESOURCE of the initial user namespace), trims its end to that; elsewhere
 * the rest reads as NUL bytes. */
void cv_title_hide_host_paths(void);

/* Keeps init's argv (main.c) for cv_title_fill_room. */
void cv_title_remember(int argc, char **argv);

/* A standby (`init <room> standby:<idle-ms> [<mark>]`): writes value over argv[2], the room Java left for
 * the plan path, the words after it following it and NUL bytes after them, so that its command
 * line names its plan like any supervisor's (ps, the tests' leftover checks). -1 when value and
 * those words do not fit the area (nothing changed). */
int cv_title_fill_room(const char *value);

#endif
