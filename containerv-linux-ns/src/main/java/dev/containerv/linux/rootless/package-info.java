/**
 * The rootless mode: what changes when the JVM is not root. The user's own places for state, layers and the
 * helper cache ({@link dev.containerv.linux.rootless.UserPlaces}), whether the kernel lets a normal user make
 * user namespaces ({@link dev.containerv.linux.rootless.UserNamespacePolicy}), and whether the user has a delegated
 * cgroup subtree for limits ({@link dev.containerv.linux.rootless.CgroupDelegation}), and whether its containers may
 * map subordinate ids ({@link dev.containerv.linux.rootless.SubordinateIds}: newuidmap/newgidmap, the user's
 * {@code /etc/subuid} and {@code /etc/subgid} ranges, container 0 mapped to the user). The user-namespace maps
 * themselves live in the {@code userns} package.
 */
package dev.containerv.linux.rootless;
