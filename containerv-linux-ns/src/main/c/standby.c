/*
 * standby.c - a supervisor started before its plan exists. Java starts `containerv-helper
 * init -` while it still claims the state directory and writes the plan, so the process start
 * (and, rootless, the user namespace and the re-execution, `init - userns-self`) overlaps that
 * work instead of following it. When the plan is written, Java sends one line on stdin:
 * "<plan-path> <log-path>\n", each field percent-encoded as in the plan; the log becomes the
 * supervisor's stderr, as the log file Java gives a supervisor it starts with a plan.
 *
 * Never: reads past that line (the rest of stdin is the owner pipe, whose end of file stops the
 * container), or opens the log through a symbolic link.
 */
#include "standby.h"
#include "util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one field in place; an absolute path, or -1 with f. */
static int decode_path(char *s, const char *what, struct cv_fail *f)
{
    size_t bad = 0;
    if (cv_pct_decode(s, &bad) != 0) {
        cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "bad percent-encoding in the %s path at byte %zu", what, bad);
        return -1;
    }
    if (s[0] != '/') {
        cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "the %s path is not absolute", what);
        return -1;
    }
    return 0;
}

char *cv_standby_receive(struct cv_fail *f)
{
    /* Two percent-encoded paths: at most three bytes per byte of each, a space and a newline. */
    static char line[6 * CV_PATH_MAX + 2];
    size_t len = 0;
    char *nl = NULL;
    while (!nl) {
        if (len == sizeof line - 1) {
            cv_fail_set(f, CV_STEP_PLAN, "read", ENAMETOOLONG, "stdin", "no end of line in %zu bytes", len);
            return NULL;
        }
        ssize_t r = CV_RETRY(read(STDIN_FILENO, line + len, sizeof line - 1 - len));
        if (r < 0) {
            cv_fail_set(f, CV_STEP_PLAN, "read", errno, "stdin", "the plan's path");
            return NULL;
        }
        if (r == 0) {
            f->err = 0; /* no plan is coming: nothing was made, nothing to report */
            return NULL;
        }
        nl = memchr(line + len, '\n', (size_t)r);
        len += (size_t)r;
    }
    /* Java writes the line alone; a byte after it would be owner-pipe data read too early. */
    if (nl != line + len - 1) {
        cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "%zu bytes after the line naming the plan", (size_t)(line + len - 1 - nl));
        return NULL;
    }
    *nl = '\0';
    char *sp = strchr(line, ' ');
    if (!sp || strchr(sp + 1, ' ')) {
        cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "the line must be '<plan-path> <log-path>'");
        return NULL;
    }
    *sp = '\0';
    char *plan = line, *log = sp + 1;
    if (decode_path(plan, "plan", f) != 0 || decode_path(log, "log", f) != 0)
        return NULL;
    int fd = CV_RETRY(open(log, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_SETUP, "open", errno, log, "the helper's log");
        return NULL;
    }
    if (fd != STDERR_FILENO) {
        int d = dup2(fd, STDERR_FILENO);
        int e = errno;
        close(fd);
        if (d < 0) {
            cv_fail_set(f, CV_STEP_SETUP, "dup2", e, log, "the helper's log");
            return NULL;
        }
    }
    char *copy = strdup(plan);
    if (!copy)
        cv_fail_set(f, CV_STEP_SETUP, "strdup", ENOMEM, plan, NULL);
    return copy;
}
