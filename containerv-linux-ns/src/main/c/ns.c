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

#include <linux/sched.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
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

pid_t cv_ns_clone(const struct cv_plan *p, int cgroup_fd, int *cloned_into, struct cv_fail *f)
{
    *cloned_into = 0;
    if (cgroup_fd >= 0) {
        /* No stack given: like fork. Into the cgroup at birth, so no migration is needed. */
        struct clone_args ca;
        memset(&ca, 0, sizeof ca);
        ca.flags = cv_ns_clone_flags(p) | CLONE_INTO_CGROUP;
        ca.exit_signal = SIGCHLD;
        ca.cgroup = (uint64_t)cgroup_fd;
        pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
        if (pid >= 0) {
            *cloned_into = 1;
            return pid;
        }
        if (errno != ENOSYS && errno != E2BIG && errno != EINVAL) {
            cv_fail_set(f, CV_STEP_CLONE, "clone3", errno, "", "CLONE_INTO_CGROUP");
            return -1;
        }
        /* An older kernel: a plain clone, and the supervisor writes the pid. */
    }
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
