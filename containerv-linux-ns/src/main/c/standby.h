/*
 * standby.h - `containerv-helper init <plan> early` and `init <room> standby`: a supervisor
 * started before its plan is written, told on stdin when it is, and where its log is (a
 * standby: and where the plan is).
 *
 * Never: reads past the line that says so (the rest of stdin is the owner pipe).
 */
#ifndef CV_STANDBY_H
#define CV_STANDBY_H

#include "report.h"

/* How `init` was started (main.c): with its plan there, before it was written (`early`), or as a
 * warm standby that learns its plan path on stdin (`standby`). */
enum cv_start { CV_START_PLAN = 0, CV_START_EARLY = 1, CV_START_STANDBY = 2 };

/* Waits for "<log-path>\n" on stdin (percent-encoded as a plan field, absolute), the sign that
 * the plan is written, and makes the log its stderr (opened for appending, never through a
 * symbolic link). With plan_path (a standby), the line is "<plan-path> <log-path>\n": *plan_path
 * is set to the decoded plan path, which also replaces the room on the command line
 * (cv_title_fill_room). 0; 1 when stdin ended before a line (the JVM gave up on this start, or is
 * gone: nothing to report); -1 with f (step plan or setup) on a bad line or log. */
int cv_standby_wait(const char **plan_path, struct cv_fail *f);

#endif
