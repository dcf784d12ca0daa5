/*
 * init.c - the container's PID 1 during setup, in order: detach from the JVM's pipes, wait
 * for the supervisor's "go" (after cgroup joining), cgroup namespace, mounts, control
 * socket (bound before pivot_root so it appears in the host's state dir), pivot_root,
 * hostname, lo (net.c), signals, fd sweep, the event loop's epoll set; then "ok" to the
 * supervisor, the old root detached (before "ok" when a user namespace is entered), and the
 * server loop (pid1.c).
 *
 * Never: keeps a host fd other than its log (stderr) and the control socket, retries a
 * failed step, or continues after a failure (the first failure is reported, then exit).
 */
#include "init.h"
#include "hostpid.h"
#include "caps.h"
#include "cgroup.h"
#include "mount.h"
#include "net.h"
#include "ns.h"
#include "pid1.h"
#include "seccomp_handoff.h"
#include "userns.h"
#include "title.h"
#include "util.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

__attribute__((noreturn)) static void report_fail(int rep_fd, const struct cv_fail *f)
{
    char line[3 * sizeof *f + 64];
    size_t n = cv_fail_format_line(f, line, sizeof line);
    cv_log("setup failed: %s", line);
    (void)cv_write_all(rep_fd, line, n);
    _exit(1);
}

static int bind_control(const struct cv_plan *p, struct cv_fail *f)
{
    int fd cleanup_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_CONTROL_SOCKET, "socket", errno, p->control_socket, NULL);
        return -1;
    }
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    size_t len = strlen(p->control_socket);
    if (len >= sizeof sa.sun_path) {
        cv_fail_set(f, CV_STEP_CONTROL_SOCKET, "bind", ENAMETOOLONG, p->control_socket, NULL);
        return -1;
    }
    memcpy(sa.sun_path, p->control_socket, len + 1);
    mode_t old = umask(0177); /* the socket file is created 0600 */
    int r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    int e = errno;
    umask(old);
    if (r != 0) {
        cv_fail_set(f, CV_STEP_CONTROL_SOCKET, "bind", e, p->control_socket, NULL);
        return -1;
    }
    if (chmod(p->control_socket, 0600) != 0) {
        cv_fail_set(f, CV_STEP_CONTROL_SOCKET, "chmod", errno, p->control_socket, NULL);
        return -1;
    }
    if (listen(fd, 512) != 0) {
        cv_fail_set(f, CV_STEP_CONTROL_SOCKET, "listen", errno, p->control_socket, NULL);
        return -1;
    }
    return cv_steal_fd(&fd);
}

static void noop_handler(int sig)
{
    (void)sig;
}

void cv_init_main(const struct cv_plan *p, int go_fd, int rep_fd)
{
    struct cv_fail f;
    cv_log_role = "init";

    /* The supervisor is single-threaded, so this fires exactly when it dies. */
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    /* Not dumpable: no container process may read /proc/1/fd, ptrace PID 1 or take its fds
     * with pidfd_getfd (the listening control socket, the log pipe). execve resets it for
     * the container's own processes. */
    if (cv_set_dumpable(0, &f) != 0)
        report_fail(rep_fd, &f);

    /* The command line the container sees names nothing of the host. */
    cv_title_hide_host_paths();

    /* Never hold the JVM's owner pipe (stdin) or status pipe (stdout). */
    int nul = CV_RETRY(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0) {
        cv_fail_set(&f, CV_STEP_SETUP, "open", errno, "/dev/null", NULL);
        report_fail(rep_fd, &f);
    }
    close(nul);

    char go = 0;
    if (CV_RETRY(read(go_fd, &go, 1)) != 1 || go != 'g')
        _exit(1); /* the supervisor gave up: it reports and cleans up */
    close(go_fd);

    umask(0);
    /* Into the cgroup v1 hierarchies before anything else (cgroup.h says why the init does it). */
    if (cv_cgroup_join_self(p, &f) != 0)
        report_fail(rep_fd, &f);
    if (cv_ns_enter_cgroup(p, &f) != 0)
        report_fail(rep_fd, &f);
    /* With a user namespace, what the setup creates belongs to the container's root. */
    if (cv_userns_setup_ids(p, 1, &f) != 0 || cv_mount_rootfs(p, &f) != 0 || cv_userns_setup_ids(p, 0, &f) != 0)
        report_fail(rep_fd, &f);
    int lfd = bind_control(p, &f);
    if (lfd < 0)
        report_fail(rep_fd, &f);
    if (cv_mount_pivot(p, &f) != 0)
        report_fail(rep_fd, &f);
    /* Detaching the old root makes the kernel wait for an RCU grace period (about 1 ms here, more on a
     * loaded host): done after "ok", while the supervisor reports ready and the JVM connects and writes
     * state.json, unless the init enters a user namespace below, whose mount namespace copy must not
     * hold it (it would lock it in place). Either way before the event loop, so before any container
     * process exists and before any HELLO is answered: a create whose detach failed fails at its HELLO. */
    int detach_after_ok = !cv_plan_has_userns(p) || p->userns_self;
    if (!detach_after_ok && cv_mount_detach_old_root(&f) != 0)
        report_fail(rep_fd, &f);
    /* Stdin and stdout become the container's /dev/null, not the host's (stderr is the log
     * pipe to the supervisor, which writes helper.log on the host). */
    int cnul = CV_RETRY(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (cnul < 0 || dup2(cnul, 0) < 0 || dup2(cnul, 1) < 0) {
        cv_fail_set(&f, CV_STEP_SETUP, "open", errno, "/dev/null", "the container's");
        report_fail(rep_fd, &f);
    }
    close(cnul);
    if (sethostname(p->hostname, strlen(p->hostname)) != 0) {
        cv_fail_set(&f, CV_STEP_HOSTNAME, "sethostname", errno, "", "%s", p->hostname);
        report_fail(rep_fd, &f);
    }
    if ((p->namespaces & CV_NS_NET) && cv_net_lo_up(&f) != 0)
        report_fail(rep_fd, &f);
    /* Last step with host privileges: from here on the init is root of the container only. */
    if (cv_userns_enter(p, &f) != 0)
        report_fail(rep_fd, &f);
    umask(022);

    /* Signals: SIGCHLD/SIGTERM/SIGINT arrive through a signalfd. A handler is installed
     * as well, because PID 1 of a namespace only receives signals (from the parent
     * namespace too) that have one. SIGPIPE is ignored: dead clients give EPIPE. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = noop_handler;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sfd = -1;
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
        (sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
        cv_fail_set(&f, CV_STEP_SIGNALS, "signalfd", errno, "", NULL);
        report_fail(rep_fd, &f);
    }

    int keep[] = { lfd, sfd, rep_fd, cv_hostpid_fd, cv_seccomp_handoff_fd };
    cv_close_fds_except(keep, 5);
    if (cv_pid1_prepare(p, lfd, sfd, &f) != 0)
        report_fail(rep_fd, &f);

    if (cv_write_all(rep_fd, "ok\n", 3) != 0)
        _exit(1);
    close(rep_fd);
    if (detach_after_ok && cv_mount_detach_old_root(&f) != 0) {
        char line[3 * sizeof f + 64];
        cv_fail_format_line(&f, line, sizeof line);
        cv_log("fatal: %s", line);
        _exit(1);
    }
    cv_log("ready: pid 1 of container %s", p->id);
    cv_pid1_serve();
}
