/*
 * linkwatch.h - waiting for a host link to go away: when the init exits, its network namespace
 * dies and the kernel removes the container's veth pair with it (in a kernel worker). The host
 * side is unlisted (gone from the host's link list and /sys/class/net, its name free again)
 * before the kernel's slow part (an RCU barrier, the wait for the device's last references),
 * which an explicit RTM_DELLINK would spend in the supervisor.
 *
 * Never: changes a link (netlink.c deletes; this only listens).
 */
#ifndef CV_LINKWATCH_H
#define CV_LINKWATCH_H

/* Waits up to timeout_ms until the caller's namespace has no link named name. Subscribes to
 * link notifications first, then looks, so a removal between the two is never missed.
 * Returns 0 when it is gone, -1 when it is still there (or the wait failed; errno set). */
int cv_linkwatch_wait_gone(const char *name, int timeout_ms);

#endif
