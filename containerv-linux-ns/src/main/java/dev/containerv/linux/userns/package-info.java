/**
 * Home of user namespaces and the rootless mode: uid/gid mappings from the spec, subordinate ranges
 * ({@code newuidmap}/{@code newgidmap}), the roots under the user's own directories. Nothing lives here yet:
 * {@code Capability.USERS} and id mappings are refused with {@code NOT_SUPPORTED}.
 * <p>Contract when it comes: Java decides the mappings and writes them into the plan ({@code uid-map},
 * {@code gid-map}, reserved today); the supervisor writes them for the cloned init between clone and "go" (ns.c).
 * The container's user lookup of a SPAWN stays in passwd.c and has nothing to do with this package.
 */
package dev.containerv.linux.userns;
