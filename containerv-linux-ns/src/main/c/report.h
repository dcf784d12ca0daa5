/*
 * report.h - structured failure records (step, syscall, errno, path, detail), the errno
 * name table, and the line format shared by the status pipe and copy mode.
 *
 * Never: writes prose for users or decides what a failure means; Java does that.
 */
#ifndef CV_REPORT_H
#define CV_REPORT_H

#include <stddef.h>

#include "steps.h"

#define CV_PATH_MAX 4200

struct cv_fail {
    enum cv_step step;       /* steps.h */
    char syscall[32];
    int err;                 /* errno value, 0 when not applicable */
    char path[CV_PATH_MAX];  /* empty when not applicable */
    char detail[512];        /* short technical detail, may be empty */
};

/* Name of an errno value from the helper's own table ("ENOENT"); unknown values are
 * written as "E<number>" into buf (at least 16 bytes), which is then returned. */
const char *cv_errno_name(int err, char *buf, size_t bufsz);

/* Fill a failure record. err is taken as given (callers pass errno saved first). */
void cv_fail_set(struct cv_fail *f, enum cv_step step, const char *syscall, int err,
                 const char *path, const char *detail_fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* "error <step> <syscall> <errno-name> <errno-number> <path> <detail>\n", percent-encoded.
 * Returns the length (always NUL-terminated; out should be >= 3 * sizeof(cv_fail)). */
size_t cv_fail_format_line(const struct cv_fail *f, char *out, size_t outsz);

/* Write "error usage - EINVAL 22 - <detail>" (the format above) on stdout; returns 2, the
 * exit status of a usage error. */
int cv_report_usage(const char *detail);

#endif
