/**
 * What a spec must be for linux-ns, checked before anything is created: required capabilities, features that
 * come later (refused with {@code NOT_SUPPORTED} naming them, never ignored), layer paths and sources, the rootfs,
 * root privileges, a spec's own helper, the control socket's path length, and whether the host paths root acts on
 * (state root, layer root, helper) deserve trust ({@code TrustedHostPaths}).
 * <p>Contract: pure checks; a refusal names the field, the value and what is accepted, and leaves no trace on the
 * host.
 */
package dev.containerv.linux.spec;
