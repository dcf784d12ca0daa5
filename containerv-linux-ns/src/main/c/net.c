/*
 * net.c - the init's network setup in its own network namespace: `lo` up through the
 * SIOCGIFFLAGS/SIOCSIFFLAGS ioctls (no netlink needed for one flag).
 *
 * Never: runs in the host's network namespace (the init calls it only with `namespaces net`).
 */
#include "net.h"
#include "util.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int cv_net_lo_up(struct cv_fail *f)
{
    int fd cleanup_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_LO_UP, "socket", errno, "lo", NULL);
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
        cv_fail_set(f, CV_STEP_LO_UP, "ioctl(SIOCGIFFLAGS)", errno, "lo", NULL);
        return -1;
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0) {
        cv_fail_set(f, CV_STEP_LO_UP, "ioctl(SIOCSIFFLAGS)", errno, "lo", NULL);
        return -1;
    }
    return 0;
}
