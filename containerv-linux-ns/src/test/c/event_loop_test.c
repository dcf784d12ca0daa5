/*
 * event_loop_test.c - the init's event loop never ignores its epoll set: a failing epoll_ctl
 * while registering the control socket or the signalfd is a create failure with step
 * event-loop; a failing one while serving (removing a closed connection) ends PID 1 with exit
 * status 1 instead of serving on with stale registrations. Linked with -Wl,--wrap=epoll_ctl so
 * the test decides which call fails.
 *
 * Never: runs the loop in its own process (cv_pid1_serve does not return): a forked child does,
 * as PID 1 of a new pid namespace (a user namespace too when not root), because the server turns
 * away peers inside its own pid namespace.
 */
#include "check.h"
#include "pid1.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int __real_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);

static int fail_call = -1; /* which epoll_ctl call fails (0-based), -1 = none */
static int fail_del;        /* every EPOLL_CTL_DEL fails */
static int calls;

int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
{
    if (calls++ == fail_call || (fail_del && op == EPOLL_CTL_DEL)) {
        errno = ENOMEM;
        return -1;
    }
    return __real_epoll_ctl(epfd, op, fd, event);
}

/* A forked server whose removal of a closed connection fails must exit 1, promptly. */
static void serving_failure_is_fatal(void)
{
    char dir[] = "/tmp/cv-event-loop-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/control", dir);
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK(lfd >= 0);
    CHECK(bind(lfd, (struct sockaddr *)&sa, sizeof sa) == 0);
    CHECK(listen(lfd, 8) == 0);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        /* PID 1 serves only peers outside its pid namespace (they show pid 0), like the real init. */
        if (unshare(CLONE_NEWPID) != 0 && unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0)
            _exit(8);
        pid_t init = fork();
        if (init < 0)
            _exit(8);
        if (init > 0) {
            int ist = 0;
            if (waitpid(init, &ist, 0) != init)
                _exit(8);
            _exit(WIFEXITED(ist) ? WEXITSTATUS(ist) : 7);
        }
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGCHLD);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigprocmask(SIG_BLOCK, &set, NULL);
        int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
        static struct cv_plan p;
        p.control_socket = sa.sun_path;
        p.stop_grace_ms = 1000;
        p.stream_timeout_ms = 1000;
        struct cv_fail f;
        if (sfd < 0 || cv_pid1_prepare(&p, lfd, sfd, &f) != 0)
            _exit(9);
        fail_del = 1;
        cv_pid1_serve();
    }
    close(lfd);
    /* A client that connects and leaves: the server must remove its connection from the set. */
    int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(c >= 0);
    CHECK(connect(c, (struct sockaddr *)&sa, sizeof sa) == 0);
    close(c);
    int st = 0;
    pid_t r = 0;
    for (int i = 0; i < 500 && r == 0; i++) {
        r = waitpid(child, &st, WNOHANG);
        if (r == 0) {
            struct timespec ts = { 0, 10 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
    }
    if (r == 0) {
        kill(child, SIGKILL);
        waitpid(child, &st, 0);
        fprintf(stderr, "the server went on serving after epoll_ctl(DEL) failed\n");
        exit(1);
    }
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    unlink(sa.sun_path);
    rmdir(dir);
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
    close(sv[0]);
    close(sv[1]);

    serving_failure_is_fatal();
    puts("event_loop_test: ok");
    return 0;
}
