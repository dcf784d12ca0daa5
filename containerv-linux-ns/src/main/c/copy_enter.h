/*
 * copy_enter.h - a copy's way into the container: its user namespace where a normal user's
 * copy needs it, its mount namespace, and its root for good (chroot).
 *
 * Never: resolves a container path (that comes after, from inside).
 */
#ifndef CV_COPY_ENTER_H
#define CV_COPY_ENTER_H

/* Enter the namespaces and root of the init `pid` (decimal), checking its start time against
 * `expect` (decimal ticks) when given; 0, or -1 with the run's failure set. */
int cv_copy_enter(const char *pid, const char *expect);

#endif
