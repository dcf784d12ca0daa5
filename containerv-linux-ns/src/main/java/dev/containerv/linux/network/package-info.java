/**
 * Home of container networking: addressing from a {@code NetworkSpec}, the veth pair, routes, DNS. Nothing lives
 * here yet: a {@code NetworkSpec} is refused with {@code NOT_SUPPORTED}; {@code Capability.NETWORK} alone gives a
 * new network namespace with {@code lo} up (net.c).
 * <p>Contract when it comes: Java chooses names and addresses and writes them into the plan; the helper creates
 * the veth pair on the host (supervisor, between clone and "go"), moves one end into the container and configures
 * it (net.c), and removes it when the init is gone. Network statistics are read by {@code proc}.
 */
package dev.containerv.linux.network;
