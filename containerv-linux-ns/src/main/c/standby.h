/*
 * standby.h - `containerv-helper init <plan> early` and `init <room> standby:<idle-ms>`: a supervisor
 * started before its plan is written, told on stdin when it is, and where its log is (a
 * standby: and where the plan is).
 *
 * Never: reads past the line that says so (the rest of stdin is the owner pipe).
 */
#ifndef CV_STANDBY_H
#define CV_STANDBY_H

#include "report.h"

#include <stdint.h>

/* How `init` was started (main.c): with its plan there, before it was written (`early`), or as a
 * warm standby that learns its plan path on stdin (`standby`). */
enum cv_start { CV_START_PLAN = 0, CV_START_EARLY = 1, CV_START_STANDBY = 2 };

/* init's third word, "early" or "standby:<idle-ms>" (kept for the rootless re-execution), and a
 * standby's idle limit: with no byte of its line that many milliseconds after it started, it
 * exits having made nothing (Java takes only standbys well within it). */
extern const char *cv_start_word;
extern int64_t cv_standby_idle_ms;

/* Parses init's third word: CV_START_EARLY, CV_START_STANDBY (setting cv_standby_idle_ms, 1 to
 * 3600000), CV_START_PLAN for anything else; -1 for a "standby:" without a valid limit. */
int cv_start_parse(const char *word);

/* Waits for "<log-path>\n" on stdin (percent-encoded as a plan field, absolute), the sign that
 * the plan is written, and makes the log its stderr (opened for appending, never through a
 * symbolic link). With plan_path (a standby), the line is "<plan-path> <log-path>\n": *plan_path
 * is set to the decoded plan path, which also replaces the room on the command line
 * (cv_title_fill_room). 0; 1 when stdin ended before a line, or (a standby) its idle limit passed
 * before its first byte (the JVM gave up on this start, or is
 * gone: nothing to report); -1 with f (step plan or setup) on a bad line or log. */
int cv_standby_wait(const char **plan_path, struct cv_fail *f);

#endif
