/*
 * title.c - PID 1's command line without host paths. The init is a clone of the supervisor, so
 * its argument area holds `<cache>/helper-<hash>/containerv-helper init <stateRoot>/<id>/plan`
 * and /proc/1/cmdline shows it to the container. The area starts at argv[0]
 * (program_invocation_name) and is as long as /proc/self/cmdline (read before anything changes it);
 * it is zeroed and given the fixed title; prctl(PR_SET_MM_ARG_END) then trims it where allowed.
 *
 * A standby's room argument is filled with its plan path the same way (cv_title_fill_room).
 *
 * Never: reads or writes outside the kernel's argument area, or moves it (the environment, which
 * Java empties, follows it).
 */
#include "title.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>

static const char TITLE[] = "containerv-helper\0init"; /* sizeof counts the final NUL */

void cv_title_hide_host_paths(void)
{
    char buf[8192];
    int fd = CV_RETRY(open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC));
    if (fd < 0) {
        char eb[16];
        cv_log("title: open %s /proc/self/cmdline", cv_errno_name(errno, eb, sizeof eb));
        return;
    }
    ssize_t got = cv_read_full(fd, buf, sizeof buf);
    size_t len = got > 0 ? (size_t)got : 0;
    close(fd);
    char *start = program_invocation_name;
    if (len == 0 || len == sizeof buf || !start || memcmp(start, buf, len) != 0) {
        cv_log("title: the argument area is not where expected; left as it is");
        return;
    }
    memset(start, 0, len);
    if (len < sizeof TITLE)
        return; /* a shorter area stays all NUL bytes: still nothing of the host */
    memcpy(start, TITLE, sizeof TITLE);
    if (prctl(PR_SET_MM, PR_SET_MM_ARG_END, (unsigned long)(start + sizeof TITLE), 0, 0) != 0) {
        char eb[16];
        cv_log("title: prctl(PR_SET_MM_ARG_END) %s /proc/self/cmdline", cv_errno_name(errno, eb, sizeof eb));
    }
}

static int kept_argc;
static char **kept_argv;

void cv_title_remember(int argc, char **argv)
{
    kept_argc = argc;
    kept_argv = argv;
}

int cv_title_fill_room(const char *value)
{
    if (kept_argc < 3)
        return -1;
    /* The words from argv[2] on lie one after the other in the area the kernel shows. */
    char *room = kept_argv[2];
    char *end = room;
    for (int i = 2; i < kept_argc; i++) {
        if (kept_argv[i] != end)
            return -1;
        end += strlen(kept_argv[i]) + 1;
    }
    char after[256];
    size_t alen = 0;
    for (int i = 3; i < kept_argc; i++) {
        size_t l = strlen(kept_argv[i]) + 1;
        if (alen + l > sizeof after)
            return -1;
        memcpy(after + alen, kept_argv[i], l);
        alen += l;
    }
    size_t vlen = strlen(value) + 1;
    if (vlen + alen > (size_t)(end - room))
        return -1;
    memset(room, 0, (size_t)(end - room));
    memcpy(room, value, vlen);
    memcpy(room + vlen, after, alen);
    /* argv keeps naming the words where they are now. */
    char *w = room + vlen;
    for (int i = 3; i < kept_argc; i++) {
        kept_argv[i] = w;
        w += strlen(w) + 1;
    }
    return 0;
}
