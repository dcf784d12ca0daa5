/*
 * netlink.c - a minimal rtnetlink client for the container's veth pair: one request, one
 * acknowledgement, over a NETLINK_ROUTE socket of the namespace the socket was made in.
 *
 * The pair is made in one RTM_NEWLINK whose peer carries IFLA_NET_NS_PID and the name
 * `eth0`: the peer never exists in the host's namespace under any name, so nothing needs
 * renaming or moving and no other host link can collide with it. The container side is then
 * configured from a socket opened after setns() into the init's network namespace (the
 * supervisor is single-threaded and returns to its own namespace before anything else).
 *
 * Never: runs `ip`, acts in a namespace other than the supervisor's own and the init's, or
 * leaves the supervisor in the init's namespace.
 */
#include "netlink.h"
#include "util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct nlreq {
    char buf[1024];
    struct nlmsghdr *h;
};

static void *msg_begin(struct nlreq *r, unsigned short type, unsigned short flags, size_t body)
{
    memset(r->buf, 0, sizeof r->buf);
    r->h = (struct nlmsghdr *)r->buf;
    r->h->nlmsg_type = type;
    r->h->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
    r->h->nlmsg_seq = 1;
    r->h->nlmsg_len = (unsigned)NLMSG_LENGTH(body);
    return NLMSG_DATA(r->h);
}

/* Appends an attribute; the buffer is sized for the largest request made here. */
static struct rtattr *attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *)(r->buf + NLMSG_ALIGN(r->h->nlmsg_len));
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(a), data, len);
    r->h->nlmsg_len = (unsigned)(NLMSG_ALIGN(r->h->nlmsg_len) + RTA_ALIGN(a->rta_len));
    return a;
}

static void nest_end(struct nlreq *r, struct rtattr *nest)
{
    nest->rta_len = (unsigned short)(r->buf + r->h->nlmsg_len - (char *)nest);
}

/* Sends the request and reads its acknowledgement: 0, or -errno from the kernel. */
static int talk(int fd, struct nlreq *r)
{
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    if (sendto(fd, r->buf, r->h->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
        return -errno;
    char reply[4096];
    for (;;) {
        ssize_t n = CV_RETRY(recv(fd, reply, sizeof reply, 0));
        if (n < 0)
            return -errno;
        for (struct nlmsghdr *h = (struct nlmsghdr *)reply; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);
                return e->error;
            }
        }
    }
}

static int rtnl_socket(void)
{
    return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

static int link_up(int fd, int index)
{
    struct nlreq r;
    struct ifinfomsg *ifi = msg_begin(&r, RTM_NEWLINK, 0, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = index;
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    return talk(fd, &r);
}

static int addr_add(int fd, int index, struct in_addr a, unsigned prefix)
{
    struct nlreq r;
    struct ifaddrmsg *ifa = msg_begin(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = (unsigned char)prefix;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = (unsigned)index;
    attr(&r, IFA_LOCAL, &a, sizeof a);
    attr(&r, IFA_ADDRESS, &a, sizeof a);
    return talk(fd, &r);
}

static int default_route(int fd, int index, struct in_addr gw)
{
    struct nlreq r;
    struct rtmsg *rt = msg_begin(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);
    rt->rtm_family = AF_INET;
    rt->rtm_table = RT_TABLE_MAIN;
    rt->rtm_protocol = RTPROT_BOOT;
    rt->rtm_scope = RT_SCOPE_UNIVERSE;
    rt->rtm_type = RTN_UNICAST;
    uint32_t oif = (uint32_t)index;
    attr(&r, RTA_GATEWAY, &gw, sizeof gw);
    attr(&r, RTA_OIF, &oif, sizeof oif);
    return talk(fd, &r);
}

/* One transmit and one receive queue, asked for at creation: without them each end is made with
 * a queue per possible CPU and cut down to one right after registration, and each cut waits for an
 * (expedited) RCU grace period under rtnl (veth_init_queues): 0.5-4 ms of every create here. */
static void one_queue_each(struct nlreq *r)
{
    uint32_t one = 1;
    attr(r, IFLA_NUM_TX_QUEUES, &one, sizeof one);
    attr(r, IFLA_NUM_RX_QUEUES, &one, sizeof one);
}

static int veth_create(int fd, const char *host_if, pid_t pid)
{
    struct nlreq r;
    struct ifinfomsg *ifi = msg_begin(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    attr(&r, IFLA_IFNAME, host_if, strlen(host_if) + 1);
    one_queue_each(&r);
    struct rtattr *info = attr(&r, IFLA_LINKINFO, NULL, 0);
    attr(&r, IFLA_INFO_KIND, "veth", 5);
    struct rtattr *data = attr(&r, IFLA_INFO_DATA, NULL, 0);
    struct rtattr *peer = attr(&r, VETH_INFO_PEER, NULL, 0);
    struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
    /* The peer's body is an ifinfomsg followed by its own attributes. */
    memcpy(r.buf + r.h->nlmsg_len, &peer_ifi, sizeof peer_ifi);
    r.h->nlmsg_len += (unsigned)NLMSG_ALIGN(sizeof peer_ifi);
    attr(&r, IFLA_IFNAME, "eth0", 5);
    uint32_t nspid = (uint32_t)pid;
    attr(&r, IFLA_NET_NS_PID, &nspid, sizeof nspid);
    one_queue_each(&r);
    nest_end(&r, peer);
    nest_end(&r, data);
    nest_end(&r, info);
    return talk(fd, &r);
}

/* Index of name in the caller's current network namespace. */
static int link_index(const char *name)
{
    unsigned idx = if_nametoindex(name);
    return idx == 0 ? -errno : (int)idx;
}

/* The container side, run while the supervisor is inside the init's network namespace. */
static int container_side(const struct cv_veth *v, struct cv_fail *f)
{
    int fd cleanup_fd = rtnl_socket();
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_VETH_CONTAINER, "socket", errno, "eth0", NULL);
        return -1;
    }
    int idx = link_index("eth0");
    if (idx < 0) {
        cv_fail_set(f, CV_STEP_VETH_CONTAINER, "if_nametoindex", -idx, "eth0", NULL);
        return -1;
    }
    int e = addr_add(fd, idx, v->container, v->prefix);
    if (e == 0)
        e = link_up(fd, idx);
    if (e != 0) {
        cv_fail_set(f, CV_STEP_VETH_CONTAINER, "rtnetlink", -e, "eth0", NULL);
        return -1;
    }
    if (v->has_gateway && (e = default_route(fd, idx, v->gateway)) != 0) {
        char gw[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &v->gateway, gw, sizeof gw);
        cv_fail_set(f, CV_STEP_ROUTE, "rtnetlink", -e, "eth0", "default via %s", gw);
        return -1;
    }
    return 0;
}

int cv_netlink_veth_setup(const struct cv_veth *v, pid_t pid, struct cv_fail *f)
{
    int fd cleanup_fd = rtnl_socket();
    if (fd < 0) {
        cv_fail_set(f, CV_STEP_VETH, "socket", errno, v->host_if, NULL);
        return -1;
    }
    int e = veth_create(fd, v->host_if, pid);
    if (e != 0) {
        cv_fail_set(f, CV_STEP_VETH, "rtnetlink", -e, v->host_if, NULL);
        return -1;
    }
    int idx = link_index(v->host_if);
    if (idx < 0) {
        cv_fail_set(f, CV_STEP_VETH_HOST, "if_nametoindex", -idx, v->host_if, NULL);
        return -1;
    }
    if (v->has_host && (e = addr_add(fd, idx, v->host, v->prefix)) != 0) {
        cv_fail_set(f, CV_STEP_VETH_HOST, "rtnetlink", -e, v->host_if, "address");
        return -1;
    }
    if ((e = link_up(fd, idx)) != 0) {
        cv_fail_set(f, CV_STEP_VETH_HOST, "rtnetlink", -e, v->host_if, "up");
        return -1;
    }

    char nspath[64];
    snprintf(nspath, sizeof nspath, "/proc/%d/ns/net", (int)pid);
    int own cleanup_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int theirs cleanup_fd = open(nspath, O_RDONLY | O_CLOEXEC);
    if (own < 0 || theirs < 0) {
        cv_fail_set(f, CV_STEP_VETH_CONTAINER, "open", errno, own < 0 ? "/proc/self/ns/net" : nspath, NULL);
        return -1;
    }
    if (setns(theirs, CLONE_NEWNET) != 0) {
        cv_fail_set(f, CV_STEP_VETH_CONTAINER, "setns", errno, nspath, NULL);
        return -1;
    }
    int rc = container_side(v, f);
    if (setns(own, CLONE_NEWNET) != 0) {
        /* Staying in the container's namespace would make every later host-side act wrong. */
        cv_log("setns back to the supervisor's network namespace: %s", strerror(errno));
        _exit(3);
    }
    return rc;
}

int cv_netlink_link_delete(const char *name)
{
    int fd cleanup_fd = rtnl_socket();
    if (fd < 0)
        return -errno;
    struct nlreq r;
    struct ifinfomsg *ifi = msg_begin(&r, RTM_DELLINK, 0, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
    int e = talk(fd, &r);
    return e == -ENODEV ? 0 : e;
}
