/*
 * linkwatch.c - see linkwatch.h. A NETLINK_ROUTE socket bound to RTMGRP_LINK receives an
 * RTM_DELLINK for every link removed in the namespace; the link is looked up by name only
 * after the subscription, and looked up again whenever notifications were lost (ENOBUFS).
 */
#include "linkwatch.h"
#include "util.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int cv_linkwatch_wait_gone(const char *name, int timeout_ms)
{
    int fd cleanup_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0)
        return -1;
    struct sockaddr_nl sa;
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_LINK;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        return -1;
    unsigned index = if_nametoindex(name);
    if (index == 0)
        return 0;
    int64_t deadline = cv_now_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - cv_now_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd pf = { fd, POLLIN, 0 };
        int r = poll(&pf, 1, (int)left);
        if (r < 0 && errno != EINTR)
            return -1;
        char buf[8192];
        for (;;) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == ENOBUFS) {
                if (if_nametoindex(name) != index)
                    return 0; /* notifications were lost: look instead */
                continue;
            }
            if (n <= 0)
                break;
            for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
                if (h->nlmsg_type != RTM_DELLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
                    continue;
                const struct ifinfomsg *ifi = NLMSG_DATA(h);
                if ((unsigned)ifi->ifi_index == index)
                    return 0;
            }
        }
    }
}
