/*
 * ns.c - namespace creation. clone() rather than unshare()+fork(): the init is PID 1 of its
 * pid namespace from its first instruction and no half-entered process ever exists. The
 * cgroup namespace is entered by the init itself, after it was moved into its cgroup, so
 * that the namespace's root is the container's cgroup and not the supervisor's.
 *
 * Never: chooses namespaces (the plan lists them), or enters an existing namespace (copy
 * mode's setns lives in copy.c, where the order of host and container opens matters).
 */
#include "ns.h"
#include "util.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>

unsigned long cv_ns_clone_flags(const struct cv_plan *p)
{
    unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS;
    if (p->namespaces & CV_NS_NET)
        flags |= CLONE_NEWNET;
    if (p->namespaces & CV_NS_IPC)
        flags |= CLONE_NEWIPC;
    return flags;
}

pid_t cv_ns_clone(const struct cv_plan *p, struct cv_fail *f)
{
    /* A raw clone with no new stack behaves like fork (copy-on-write stack); SIGCHLD makes
     * the init an ordinary child of the supervisor for waitpid. */
    pid_t pid = (pid_t)syscall(SYS_clone, cv_ns_clone_flags(p) | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0)
        cv_fail_set(f, CV_STEP_CLONE, "clone", errno, "", NULL);
    return pid;
}

int cv_ns_enter_cgroup(const struct cv_plan *p, struct cv_fail *f)
{
    if ((p->namespaces & CV_NS_CGROUP) && unshare(CLONE_NEWCGROUP) != 0) {
        cv_fail_set(f, CV_STEP_UNSHARE_CGROUP, "unshare", errno, "", NULL);
        return -1;
    }
    return 0;
}
