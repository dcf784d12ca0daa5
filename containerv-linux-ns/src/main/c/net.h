/*
 * net.h - network setup inside the container's network namespace: today the loopback
 * interface; the container end of a veth pair (addresses, routes) will live here too.
 *
 * Never: touches the host's network namespace or chooses addresses (Java does).
 */
#ifndef CV_NET_H
#define CV_NET_H

#include "report.h"

/* Bring `lo` up (SIOCSIFFLAGS IFF_UP). Returns 0 or -1 with f filled (step lo-up). */
int cv_net_lo_up(struct cv_fail *f);

#endif
