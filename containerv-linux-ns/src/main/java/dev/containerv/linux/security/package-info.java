/**
 * What makes a Linux container a security boundary, as small immutable values that Java decides and
 * the helper executes (issue 12): the capability sets ({@link dev.containerv.linux.security.CapabilitySet},
 * {@link dev.containerv.linux.security.LinuxCapability}), the seccomp filter
 * ({@link dev.containerv.linux.security.SeccompFilter} of {@link dev.containerv.linux.security.SeccompRule}s:
 * the default deny-list, or the allow-list of a {@code SecurityPolicy}'s profile), and the masked and
 * read-only paths ({@link dev.containerv.linux.security.MaskedPaths}).
 *
 * <p>Contract:
 * <ul>
 *   <li>Every type is immutable and validated when made; a value a user gave that cannot be honoured is a
 *       {@code ContainerException} {@code INVALID_SPEC} that names it (an unknown system call or
 *       capability, a CUSTOM policy without {@code execve}). Programming errors in rules written here are
 *       {@code IllegalArgumentException}s.</li>
 *   <li>System call names are libseccomp's, checked against {@link dev.containerv.linux.security.SyscallNames}
 *       (the helper's {@code syscalls} mode, for x86_64 and aarch64). A rule for a name the target
 *       architecture lacks is left out of that architecture's filter; nothing could call it there.</li>
 *   <li>Rules respect what libseccomp 2.5 compiles: one condition per argument and rule; alternatives are
 *       separate rules; a rule without conditions replaces the conditional rules of its system call.</li>
 *   <li>Each value has a text form for the launch plan ({@code planText()}), which the helper parses with
 *       {@code cv_seccomp_parse_action}/{@code cv_seccomp_parse_cond} and {@code cv_caps_parse_list}.</li>
 *   <li>Nothing here touches the system; the launch plan carries these values and the helper applies them:
 *       capabilities, no_new_privs and the filter in each process between fork and execve, the paths when
 *       it builds the root.</li>
 * </ul>
 */
package dev.containerv.linux.security;
