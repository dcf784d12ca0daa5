/*
 * standby.h - `containerv-helper init -`: a supervisor started before its plan is written,
 * told the plan and its log on stdin.
 *
 * Never: reads past the line that names them (the rest of stdin is the owner pipe).
 */
#ifndef CV_STANDBY_H
#define CV_STANDBY_H

#include "report.h"

/* Reads "<plan-path> <log-path>\n" from stdin (each percent-encoded as a plan field, absolute),
 * makes the log its stderr (opened for appending, never through a symbolic link) and returns
 * the plan's path (malloc'd). NULL with f->err 0 when stdin ended before a line (the JVM gave
 * up on this start, or is gone); NULL with f (step plan or setup) on a bad line or log. */
char *cv_standby_receive(struct cv_fail *f);

#endif
