/*
 * supervisor.c - `containerv-helper init`: the process Java starts. It parses the plan,
 * detaches from the JVM's session, clones the init into its namespaces (ns.c), moves it
 * into its cgroups (cgroup.c), lets the init go, turns the init's report into the status
 * line, then watches the owner pipe and its own signals until the init exits, and finally
 * runs the plan's cleanup directives (cleanup.c).
 *
 * Never: keeps the JVM's status pipe after the status line, keeps a cwd inside a path it
 * removes, or decides anything the plan does not say.
 */
#include "supervisor.h"
#include "cgroup.h"
#include "cleanup.h"
#include "hostpid.h"
#include "init.h"
#include "linkwatch.h"
#include "netlink.h"
#include "ns.h"
#include "plan.h"
#include "seccomp_handoff.h"
#include "standby.h"
#include "userns.h"
#include "util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

enum {
    EXIT_CLEAN = 0,
    EXIT_CREATE_FAILED = 1,
    EXIT_PLAN = 2,
    EXIT_CLEANUP_INCOMPLETE = 3,
    EXIT_ABNORMAL = 4,
};

static void status_line(const char *line)
{
    /* The JVM may be gone: EPIPE is ignored (SIGPIPE is ignored too). */
    (void)cv_write_all(STDOUT_FILENO, line, strlen(line));
}

static void detach_stdout(void)
{
    int nul = CV_RETRY(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (nul >= 0) {
        dup2(nul, STDOUT_FILENO);
        close(nul);
    }
}

static void detach_stdin(void)
{
    int nul = CV_RETRY(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (nul >= 0) {
        dup2(nul, STDIN_FILENO);
        close(nul);
    }
}

static int reap_init(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

/* The kernel removes the pair when the init's namespace dies, but that happens later, in a
 * kernel worker: removing the host side here makes the pair gone when the supervisor exits. */
static int remove_veth(const struct cv_plan *p)
{
    if (!p->veth.host_if)
        return 0;
    int e = cv_netlink_link_delete(p->veth.host_if);
    if (e != 0)
        cv_log("removing link %s: %s", p->veth.host_if, strerror(-e));
    return e == 0 ? 0 : -1;
}

/* After the init's exit: its network namespace dies and the kernel removes the pair with it, in
 * a worker, while the supervisor removes the trees and cgroups. This waits until the host side is
 * unlisted, which comes before the kernel's slow part (RCU barrier, references) that an explicit
 * RTM_DELLINK would wait out here (one RCU barrier: 15-30 ms on this machine, more than the wait
 * for the worker unless destroys come back to back, where the two cost the same); only a link
 * still there 250 ms later (a namespace kept alive by someone else; the worker normally unlists
 * it within 40 ms here, back to back too) is deleted explicitly. Returns 0 when it is gone. */
static int veth_gone(const struct cv_plan *p)
{
    if (!p->veth.host_if)
        return 0;
    if (cv_linkwatch_wait_gone(p->veth.host_if, 250) == 0)
        return 0;
    cv_log("link %s still there 250 ms after the cleanup: deleting it", p->veth.host_if);
    return remove_veth(p);
}

__attribute__((noreturn)) static void fail_create(const struct cv_plan *p, pid_t pid, const char *line)
{
    if (pid > 0) {
        kill(pid, SIGKILL);
        reap_init(pid);
    }
    status_line(line);
    detach_stdout();
    int rc = remove_veth(p) == 0 && cv_cleanup_run(p) == 0 ? EXIT_CREATE_FAILED : EXIT_CLEANUP_INCOMPLETE;
    cv_log("create failed, cleanup %s", rc == EXIT_CREATE_FAILED ? "complete" : "incomplete");
    exit(rc);
}

__attribute__((noreturn)) static void fail_with(const struct cv_plan *p, pid_t pid, const struct cv_fail *f)
{
    char line[3 * sizeof *f + 64];
    cv_fail_format_line(f, line, sizeof line);
    cv_log("%s", line);
    fail_create(p, pid, line);
}

__attribute__((noreturn)) static void fail_step(const struct cv_plan *p, pid_t pid, enum cv_step step,
                                                const char *sc, int err, const char *path)
{
    struct cv_fail f;
    cv_fail_set(&f, step, sc, err, path, NULL);
    fail_with(p, pid, &f);
}

/* A read lock on the plan, held for the supervisor's whole life. The kernel drops a process's
 * POSIX locks when it exits, before anyone reaps it, so a JVM that did not start this supervisor
 * (and cannot wait for it as a child) learns of its exit, and so of its finished cleanup, by
 * asking for a write lock on the plan: no polling. The init does not inherit it (POSIX locks
 * belong to the process, and the clone gets its own file table). Without it destroy from another
 * JVM still works, by polling: so a failure is logged, not fatal. Returns the fd or -1. */
static int hold_plan_lock(const char *plan_path)
{
    int fd = CV_RETRY(open(plan_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW));
    if (fd < 0) {
        cv_log("opening %s for its lock: %s", plan_path, strerror(errno));
        return -1;
    }
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_RDLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        cv_log("locking %s: %s", plan_path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The read end of the init's log pipe (its stderr), -1 once it reached end of file. */
static int init_log_fd = -1;

/* Copies what the init logged into the supervisor's stderr (helper.log); stops at what is
 * there now (the pipe is non-blocking), closes it at end of file. Returns bytes copied. */
static size_t pump_init_log(void)
{
    char b[4096];
    size_t total = 0;
    while (init_log_fd >= 0) {
        ssize_t r = read(init_log_fd, b, sizeof b);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            break;
        if (r <= 0) {
            close(init_log_fd);
            init_log_fd = -1;
            break;
        }
        (void)cv_write_all(STDERR_FILENO, b, (size_t)r);
        total += (size_t)r;
    }
    return total;
}

/* A failure before the plan is loaded: the status line, nothing to clean up. */
static int fail_early(const struct cv_fail *f, int code)
{
    char line[3 * sizeof *f + 64];
    cv_fail_format_line(f, line, sizeof line);
    cv_log("%s", line);
    status_line(line);
    return code;
}

int cv_supervisor_main(const char *plan_path, int early, int early_userns)
{
    struct cv_plan plan;
    struct cv_fail f;
    char line[3 * sizeof f + 64];
    cv_log_role = "supervisor";

    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    memset(&f, 0, sizeof f);
    /* Started before its plan is written (standby.c): out of the JVM's session at once (a Ctrl-C in
     * its terminal must not end a supervisor that waits); rootless, into the user namespace; then
     * wait until the plan is there. */
    if (early)
        (void)setsid();
    if (early_userns && cv_userns_self_early(plan_path, cv_start_word, &f) != 0)
        return fail_early(&f, EXIT_CREATE_FAILED);
    if (early) {
        /* A standby's first word is only room: the line names its plan. */
        int w = cv_standby_wait(early == CV_START_STANDBY ? &plan_path : NULL, &f);
        if (w != 0)
            return w > 0 ? EXIT_CLEAN : fail_early(&f, EXIT_PLAN);
    }
    if (cv_plan_load(plan_path, &plan, &f) != 0) {
        cv_fail_format_line(&f, line, sizeof line);
        cv_log("%s", line);
        status_line(line);
        return EXIT_PLAN;
    }
    /* Rootless: into the user namespace before anything else (executes this program again). */
    if (cv_userns_self(&plan, plan_path, &f) != 0)
        fail_with(&plan, -1, &f);
    int plan_lock = hold_plan_lock(plan_path);
    /* Survive the JVM: own session, no controlling terminal, cwd not in anything we remove. */
    (void)setsid();
    if (chdir("/") != 0)
        fail_step(&plan, -1, CV_STEP_SETUP, "chdir", errno, "/");

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sfd;
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || (sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
        fail_step(&plan, -1, CV_STEP_SETUP, "signalfd", errno, "");

    int go[2], rep[2], logp[2];
    if (pipe2(go, O_CLOEXEC) != 0 || pipe2(rep, O_CLOEXEC) != 0 || pipe2(logp, O_CLOEXEC) != 0)
        fail_step(&plan, -1, CV_STEP_SETUP, "pipe2", errno, "");
    int pidq[2]; /* the init asks the host pids of its children (hostpid.c) */
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pidq) != 0)
        fail_step(&plan, -1, CV_STEP_SETUP, "socketpair", errno, "");
    int scp[2] = { -1, -1 }; /* the compiled seccomp program, to the init (seccomp_handoff.h) */
    if (plan.has_seccomp && pipe2(scp, O_CLOEXEC) != 0)
        fail_step(&plan, -1, CV_STEP_SETUP, "pipe2", errno, "");

    /* The user namespace, maps written, before the clone: the init inherits a descriptor of
     * it and enters it last, after a setup done with host privileges (userns.c says why). */
    if (cv_userns_create(&plan, &f) != 0)
        fail_with(&plan, -1, &f);
    int cgroup_fd = cv_cgroup_clone_fd(&plan);
    int cloned_into = 0;
    pid_t pid = cv_ns_clone(&plan, cgroup_fd, &cloned_into, &f);
    if (cgroup_fd >= 0)
        close(cgroup_fd); /* in both: the init has no use for a host descriptor */
    if (pid < 0)
        fail_with(&plan, -1, &f);
    if (pid == 0) {
        close(go[1]);
        close(rep[0]);
        close(sfd);
        if (plan_lock >= 0)
            close(plan_lock); /* a host file the init has no use for; the lock stays the supervisor's */
        /* The init logs into a pipe, never into a host file it could hand to a container
         * process: the supervisor copies the pipe into its own stderr (helper.log). */
        close(logp[0]);
        if (dup2(logp[1], STDERR_FILENO) < 0)
            _exit(1);
        close(logp[1]);
        close(pidq[0]);
        cv_hostpid_fd = pidq[1];
        if (scp[1] >= 0)
            close(scp[1]);
        cv_seccomp_handoff_fd = scp[0];
        cv_init_main(&plan, go[0], rep[1]);
    }
    close(go[0]);
    close(rep[1]);
    close(logp[1]);
    close(pidq[1]);
    if (scp[0] >= 0)
        close(scp[0]);
    if (cv_userns_fd >= 0) {
        close(cv_userns_fd);
        cv_userns_fd = -1;
    }
    init_log_fd = logp[0];
    (void)fcntl(init_log_fd, F_SETFL, O_NONBLOCK);
    cv_log("cloned init %d for container %s%s", (int)pid, plan.id, cloned_into ? " into its cgroup v2 directory" : "");

    /* Between clone and go: join cgroups, make the veth pair (the user namespace and its maps
     * were made before the clone). */
    if (cv_cgroup_join(&plan, pid, cloned_into, &f) != 0)
        fail_with(&plan, pid, &f);
    if (plan.veth.host_if && cv_netlink_veth_setup(&plan.veth, pid, &f) != 0)
        fail_with(&plan, pid, &f);
    if (cv_write_all(go[1], "g", 1) != 0)
        fail_step(&plan, pid, CV_STEP_SYNC, "write", errno, "");
    close(go[1]);
    /* Compiled now, while the init mounts, rather than by the init before its "ok". A failure is the
     * create's (step seccomp, as when the init compiled); an init that is gone or failed meanwhile has
     * its own report, read below, and one that finds no whole program fails at step seccomp. */
    if (plan.has_seccomp) {
        struct cv_seccomp sc;
        if (cv_seccomp_compile(plan.seccomp_default, plan.seccomp_rules, plan.nseccomp_rules,
                               plan.seccomp_log ? CV_SC_LOG_ONLY : 0, &sc, &f) != 0)
            fail_with(&plan, pid, &f);
        if (cv_seccomp_send(scp[1], &sc) != 0)
            cv_log("handing the seccomp filter to the init: %s (the init compiles it itself)", strerror(errno));
        cv_seccomp_free(&sc);
        close(scp[1]);
    }

    /* Wait for the init's report, or for a signal that aborts the create. */
    char rbuf[sizeof line];
    size_t rlen = 0;
    for (;;) {
        struct pollfd pf[3] = { { rep[0], POLLIN, 0 }, { sfd, POLLIN, 0 }, { init_log_fd, POLLIN, 0 } };
        if (poll(pf, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            fail_step(&plan, pid, CV_STEP_SYNC, "poll", errno, "");
        }
        if (pf[2].revents)
            pump_init_log();
        if (pf[1].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si &&
                (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT))
                fail_step(&plan, pid, CV_STEP_SYNC, "", EINTR, "");
        }
        if (pf[0].revents) {
            ssize_t r = CV_RETRY(read(rep[0], rbuf + rlen, sizeof rbuf - 1 - rlen));
            if (r > 0) {
                rlen += (size_t)r;
                if (rlen < sizeof rbuf - 1)
                    continue;
            }
            break;
        }
    }
    close(rep[0]);
    (void)pump_init_log(); /* a failed setup logged its reason before reporting it */
    rbuf[rlen] = '\0';
    if (strcmp(rbuf, "ok\n") != 0) {
        if (strncmp(rbuf, "error ", 6) == 0 && rlen > 0 && rbuf[rlen - 1] == '\n')
            fail_create(&plan, pid, rbuf);
        int st = 0;
        kill(pid, SIGKILL);
        st = reap_init(pid);
        char detail[64];
        snprintf(detail, sizeof detail, "init died during setup (wait status %d)", st);
        cv_fail_set(&f, CV_STEP_SYNC, "", EPIPE, "", "%s", detail);
        cv_fail_format_line(&f, line, sizeof line);
        fail_create(&plan, -1, line);
    }

    snprintf(line, sizeof line, "ready %d %llu %d\n", (int)pid, cv_proc_starttime(pid), (int)getpid());
    status_line(line);
    detach_stdout();
    cv_log("container %s ready, init %d", plan.id, (int)pid);

    int watch_owner = !plan.persistent;
    if (!watch_owner)
        detach_stdin();
    int init_status = 0;
    /* The init may already be gone: a SIGCHLD read (and dropped) by the report loop above
     * would never come again, so the exit is asked for on every wake, not only on SIGCHLD. */
    int init_gone = waitpid(pid, &init_status, WNOHANG) == pid;
    while (!init_gone) {
        struct pollfd pf[4] = { { sfd, POLLIN, 0 }, { watch_owner ? 0 : -1, POLLIN, 0 }, { init_log_fd, POLLIN, 0 },
                                { pidq[0], POLLIN, 0 } };
        if (poll(pf, 4, -1) < 0) {
            if (errno == EINTR)
                continue;
            cv_log("poll: %s", strerror(errno));
            break;
        }
        if (pf[2].revents)
            pump_init_log();
        if (pf[3].revents && cv_hostpid_serve(pidq[0], pid) != 0) {
            close(pidq[0]);
            pidq[0] = -1;
        }
        if (pf[1].revents) {
            char b[4096];
            ssize_t r = CV_RETRY(read(0, b, sizeof b));
            if (r <= 0) {
                cv_log("owner pipe closed: stopping container %s", plan.id);
                watch_owner = 0;
                detach_stdin();
                kill(pid, SIGTERM);
            }
        }
        if (pf[0].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
                continue;
            if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
                cv_log("signal %u: stopping container %s", si.ssi_signo, plan.id);
                kill(pid, SIGTERM);
            }
        }
        init_gone = waitpid(pid, &init_status, WNOHANG) == pid;
    }
    if (pidq[0] >= 0)
        close(pidq[0]);
    (void)pump_init_log(); /* what the init wrote before it exited */
    cv_log("init exited (wait status %d), cleaning up", init_status);
    int crc = cv_cleanup_run(&plan);
    crc |= veth_gone(&plan);
    int rc = crc != 0 ? EXIT_CLEANUP_INCOMPLETE
             : (WIFEXITED(init_status) && WEXITSTATUS(init_status) == 0) ? EXIT_CLEAN
                                                                          : EXIT_ABNORMAL;
    cv_log("exit %d", rc);
    cv_plan_free(&plan);
    return rc;
}
