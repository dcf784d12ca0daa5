/**
 * Container networking from a {@code NetworkSpec}: the host side's link name ({@link HostLinkName}), the address
 * checks and the subnet-in-use check ({@link Addressing}), the {@code /etc/resolv.conf} and {@code /etc/hosts}
 * text ({@link NetworkFiles}) and the plan's {@code veth} directive with the binds of those files
 * ({@link NetworkSetup}). {@code Capability.NETWORK} without a spec gives a new network namespace with only
 * {@code lo} up (net.c).
 * <p>Java chooses names and addresses and writes them into the plan; the helper's supervisor creates the pair
 * through rtnetlink between clone and "go" (netlink.c: the peer is created directly in the init's namespace as
 * {@code eth0}, then configured from there), and removes the host side when the init is gone. Network statistics
 * are read by {@code proc}; the host's routes too ({@code /proc/net/route}).
 */
package dev.containerv.linux.network;
