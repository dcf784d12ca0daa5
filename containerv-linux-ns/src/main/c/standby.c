/*
 * standby.c - a supervisor started before its plan is written. Java starts `containerv-helper
 * init <plan> early` while it still writes the plan, so the process start (and, rootless, the
 * user namespace and the re-execution, `init <plan> early userns-self`) overlaps that work
 * instead of following it. When the plan is complete, Java sends one line on stdin naming the
 * log, "<log-path>\n", percent-encoded as a plan field; the log becomes the supervisor's stderr,
 * as the log file Java gives a supervisor it starts when the plan is there.
 *
 * A warm standby (`init <room> standby:<idle-ms>`, started before the create that takes it is known) gets
 * the plan path on the same line, "<plan-path> <log-path>\n"; its command line then names the
 * plan as any supervisor's does (title.c writes it over the room Java left for it). A standby
 * no create has taken within its idle limit exits by itself: Java keeps no thread to end it.
 *
 * Never: reads past that line (the rest of stdin is the owner pipe, whose end of file stops the
 * container), or opens the log through a symbolic link.
 */
#include "standby.h"
#include "title.h"
#include "util.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>

const char *cv_start_word;
int64_t cv_standby_idle_ms;

int cv_start_parse(const char *word)
{
    static const char standby[] = "standby:";
    static char kept[32];
    if (strcmp(word, "early") == 0) {
        cv_start_word = "early";
        return CV_START_EARLY;
    }
    if (strncmp(word, standby, sizeof standby - 1) != 0)
        return CV_START_PLAN;
    uint64_t ms = 0;
    if (strlen(word) >= sizeof kept || cv_parse_u64(word + sizeof standby - 1, &ms) != 0 || ms == 0 || ms > 3600000)
        return -1;
    strcpy(kept, word);
    cv_start_word = kept;
    cv_standby_idle_ms = (int64_t)ms;
    return CV_START_STANDBY;
}

/* A standby: 1 once stdin is readable, 0 when its idle limit has passed first, -1 on error. */
static int await_first_byte(int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - cv_now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pf = { STDIN_FILENO, POLLIN, 0 };
        int r = poll(&pf, 1, left > 60000 ? 60000 : (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

/* Decodes one percent-encoded absolute path of the line in place; what names it in a failure. */
static int decode_path(char *s, const char *what, struct cv_fail *f)
{
    size_t bad = 0;
    if (cv_pct_decode(s, &bad) != 0) {
        cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "bad percent-encoding in the %s at byte %zu", what, bad);
        return -1;
    }
    if (s[0] != '/') {
        cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "the %s is not absolute", what);
        return -1;
    }
    return 0;
}

int cv_standby_wait(const char **plan_path, struct cv_fail *f)
{
    /* Up to two percent-encoded paths: at most three bytes per byte, a space and a newline. */
    static char line[2 * 3 * CV_PATH_MAX + 3];
    /* A standby may wait long: it must not keep the JVM's working directory busy meanwhile. */
    if (plan_path && chdir("/") != 0) {
        cv_fail_set(f, CV_STEP_SETUP, "chdir", errno, "/", NULL);
        return -1;
    }
    size_t len = 0;
    char *nl = NULL;
    /* Idle from its start (a rootless standby re-executed: from the re-execution, a few ms later). */
    if (plan_path) {
        int ready = await_first_byte(cv_now_ms() + cv_standby_idle_ms);
        if (ready < 0) {
            cv_fail_set(f, CV_STEP_PLAN, "poll", errno, "stdin", "the line naming plan and log");
            return -1;
        }
        if (ready == 0)
            return 1; /* not taken: nothing was made, nothing to report */
    }
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
    char *log = line;
    if (plan_path) {
        /* Encoded paths hold no space: the first one ends the plan path. */
        char *sp = strchr(line, ' ');
        if (!sp) {
            cv_fail_set(f, CV_STEP_PLAN, "", EINVAL, "stdin", "no log path after the plan path");
            return -1;
        }
        *sp = '\0';
        log = sp + 1;
        if (decode_path(line, "plan path", f) != 0)
            return -1;
        if (cv_title_fill_room(line) != 0) {
            cv_fail_set(f, CV_STEP_PLAN, "", ENAMETOOLONG, line,
                        "the plan path does not fit the room on the standby's command line");
            return -1;
        }
        *plan_path = line;
    }
    if (decode_path(log, "log path", f) != 0)
        return -1;
    int fd = CV_RETRY(open(log, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_SETUP, "open", errno, log, "the helper's log");
        return -1;
    }
    if (fd != STDERR_FILENO) {
        int d = dup2(fd, STDERR_FILENO);
        int e = errno;
        close(fd);
        if (d < 0) {
            cv_fail_set(f, CV_STEP_SETUP, "dup2", e, log, "the helper's log");
            return -1;
        }
    }
    return 0;
}
