/*
 * copy_rollback.h - what one copy created, so that a failed copy leaves nothing behind.
 *
 * Never: removes anything the copy did not create, or follows a link to remove it.
 */
#ifndef CV_COPY_ROLLBACK_H
#define CV_COPY_ROLLBACK_H

/* Note the run's rp (relative to the destination's parent) as created by this copy; 0, or -1
 * with the run's failure set (out of memory). */
int cv_copy_log_created(int is_dir);

/* Remove what this copy created, newest first, beneath top; best effort. */
void cv_copy_roll_back(int top);

#endif
