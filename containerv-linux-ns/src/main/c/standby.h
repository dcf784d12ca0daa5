/*
 * standby.h - `containerv-helper init <plan> early`: a supervisor started before its plan is
 * written, told on stdin when it is, and where its log is.
 *
 * Never: reads past the line that says so (the rest of stdin is the owner pipe).
 */
#ifndef CV_STANDBY_H
#define CV_STANDBY_H

#include "report.h"

/* Waits for "<log-path>\n" on stdin (percent-encoded as a plan field, absolute), the sign that
 * the plan is written, and makes the log its stderr (opened for appending, never through a
 * symbolic link). 0; 1 when stdin ended before a line (the JVM gave up on this start, or is
 * gone: nothing to report); -1 with f (step plan or setup) on a bad line or log. */
int cv_standby_wait(struct cv_fail *f);

#endif
