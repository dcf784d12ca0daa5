/*
 * standby.c - a supervisor started before its plan is written. Java starts `containerv-helper
 * init <plan> early` while it still writes the plan, so the process start (and, rootless, the
 * user namespace and the re-execution, `init <plan> early userns-self`) overlaps that work
 * instead of following it. When the plan is complete, Java sends one line on stdin naming the
 * log, "<log-path>\n", percent-encoded as a plan field; the log becomes the supervisor's stderr,
 * as the log file Java gives a supervisor it starts when the plan is there.
 *
 * Never: reads past that line (the rest of stdin is the owner pipe, whose end of file stops the
 * container), or opens the log through a symbolic link.
 */
#include "standby.h"
#include "util.h"

#include <fcntl.h>
#include <string.h>

int cv_standby_wait(struct cv_fail *f)
{
    /* One percent-encoded path: at most three bytes per byte, and a newline. */
    static char line[3 * CV_PATH_MAX + 2];
    size_t len = 0;
    char *nl = NULL;
    while (!nl) {
        if (len == sizeof line - 1) {
            cv_fail_set(f, CV_STEP_PLAN, "read", ENAMETOOLONG, "stdin", "no end of line in %zu bytes", len);
            return -1;
        }
        ssize_t r = CV_RETRY(read(STDIN_FILENO, line + len, sizeof line - 1 - len));
        if (r < 0) {
            cv_fail_set(f, CV_STEP_PLAN, "read", errno, "stdin", "the line naming the log");
            return -1;
        }
        if (r == 0)
            return 1; /* no plan is coming: nothing was made, nothing to report */
        nl = memchr(line + len, '\n', (size_t)r);
        len += (size_t)r;
    }
    /* Java writes the line alone; a byte after it would be owner-pipe data read too early. */
    if (nl != line + len - 1) {
        cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "%zu bytes after the line naming the log",
                    (size_t)(line + len - 1 - nl));
        return -1;
    }
    *nl = '\0';
    size_t bad = 0;
    if (cv_pct_decode(line, &bad) != 0) {
        cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "bad percent-encoding in the log path at byte %zu", bad);
        return -1;
    }
    if (line[0] != '/') {
        cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "the log path is not absolute");
        return -1;
    }
    int fd = CV_RETRY(open(line, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_SETUP, "open", errno, line, "the helper's log");
        return -1;
    }
    if (fd != STDERR_FILENO) {
        int d = dup2(fd, STDERR_FILENO);
        int e = errno;
        close(fd);
        if (d < 0) {
            cv_fail_set(f, CV_STEP_SETUP, "dup2", e, line, "the helper's log");
            return -1;
        }
    }
    return 0;
}
