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

#endif
