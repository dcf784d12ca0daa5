/*
 * title.c - PID 1's command line without host paths. The init is a clone of the supervisor, so
 * its argument area holds `<cache>/helper-<hash>/containerv-helper init <stateRoot>/<id>/plan`
 * and /proc/1/cmdline shows it to the container. The area starts at argv[0]
 * (program_invocation_name) and is as long as /proc/self/cmdline (read before anything changes it);
 * it is zeroed and given the fixed title; prctl(PR_SET_MM_ARG_END) then trims it where allowed.
 *
 * Never: reads or writes outside the kernel's argument area, or moves it (the environment, which
 * Java empties, follows it).
 */
#include "title.h"
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
        cv_log("title: open /proc/self/cmdline: %s", strerror(errno));
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
    if (prctl(PR_SET_MM, PR_SET_MM_ARG_END, (unsigned long)(start + sizeof TITLE), 0, 0) != 0)
        cv_log("title: prctl(PR_SET_MM_ARG_END): %s", strerror(errno));
}
