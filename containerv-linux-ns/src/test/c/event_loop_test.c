/*
 * event_loop_test.c - the init's event loop refuses to start on a broken epoll set: a failing
 * epoll_ctl while registering the control socket or the signalfd is a create failure with step
 * event-loop, never ignored. Linked with -Wl,--wrap=epoll_ctl so the test decides which call
 * fails.
 *
 * Never: runs the loop itself (cv_pid1_serve does not return).
 */
#include "check.h"
#include "pid1.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int __real_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);

static int fail_call = -1; /* which epoll_ctl call fails (0-based), -1 = none */
static int calls;

int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
    if (calls++ == fail_call) {
        errno = ENOMEM;
        return -1;
    }
    return __real_epoll_ctl(epfd, op, fd, event);
}

int main(void)
{
    struct cv_plan p;
    memset(&p, 0, sizeof p);
    p.control_socket = "/run/containerv/t/control";
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    struct cv_fail f;

    for (int which = 0; which < 2; which++) {
        fail_call = which;
        calls = 0;
        memset(&f, 0, sizeof f);
        CHECK(cv_pid1_prepare(&p, sv[0], sv[1], &f) == -1);
        CHECK(f.step == CV_STEP_EVENT_LOOP);
        CHECK_STR(f.syscall, "epoll_ctl");
        CHECK(f.err == ENOMEM);
    }
    fail_call = -1;
    calls = 0;
    CHECK(cv_pid1_prepare(&p, sv[0], sv[1], &f) == 0);
    CHECK(calls == 2);
    puts("event_loop_test: ok");
    return 0;
}
