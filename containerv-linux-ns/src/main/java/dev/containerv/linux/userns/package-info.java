/**
 * User namespaces ({@code Capability.USERS} with uid and gid {@code IdMapping}s): {@link
 * dev.containerv.linux.userns.IdMaps} checks a spec's mappings and renders them in the kernel's column order
 * (inside, outside, count); {@link dev.containerv.linux.userns.UserNamespaceSetup} puts them into the plan
 * ({@code uid-map}, {@code gid-map}, {@code idmap-lower}, {@code bind-idmap} for read-only host directories) and
 * gives the writable layer's root to the container's root.
 * <p>Contract with the helper: the supervisor makes the namespace and writes the maps given in the plan (with
 * {@code setgroups deny} first when a plan asks, as an unprivileged writer must) before it clones the init; the
 * init does its setup as host root and enters the namespace last, with a copy of its mount namespace that the
 * kernel locks (userns.c). A rootless mode passes its own single mapping the same way, or the spec's mappings
 * written by newuidmap/newgidmap ({@code UserNamespaceSetup.applyRootless}).
 * The container's user lookup of a SPAWN stays in passwd.c; its ids are container ids.
 */
package dev.containerv.linux.userns;
