/*
 * netlink.h - the container's veth pair through rtnetlink (docs/linux-helper-protocol.md,
 * directive `veth`): created by the supervisor between clone and go, removed by it after
 * the init exits, and by `containerv-helper remove-link` for leftovers of dead containers.
 *
 * Never: runs `ip`, touches a link the plan does not name, or changes the host's routes
 * beyond the connected route the kernel adds for the host side's address.
 */
#ifndef CV_NETLINK_H
#define CV_NETLINK_H

#include <sys/types.h>

#include "plan.h"
#include "report.h"

/* Creates the plan's veth pair: the host side (named by the plan) addressed and up in the
 * supervisor's namespace, the peer created directly in the network namespace of pid as
 * `eth0`, addressed and up there, with a default route through the gateway when the plan
 * names one. Returns 0, or -1 with f filled (steps veth, veth-host, veth-container, route). */
int cv_netlink_veth_setup(const struct cv_veth *v, pid_t pid, struct cv_fail *f);

/* Deletes the link named name in the caller's network namespace. A missing link is fine
 * (its peer's namespace died and took the pair with it). Returns 0, or -errno. */
int cv_netlink_link_delete(const char *name);

#endif
