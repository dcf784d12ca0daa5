/**
 * The native helper as Java sees it: finding or extracting the binary and its version trial
 * ({@code HelperBinary}), starting {@code init} and reading its status line ({@code InitLauncher}), short commands
 * ({@code HelperCommand}: {@code copy} through {@code HelperCopy}, {@code cleanup}), and the wording of the
 * helper's structured failures ({@code HelperFailure}, {@code StatusLine}).
 * <p>Contract: the helper reports facts (step, syscall, errno name, path); every sentence a user reads is written
 * here or by the caller. {@code HelperFailure} has words for exactly the steps of the helper's {@code steps.h}
 * (a test compares them with {@code containerv-helper steps}).
 */
package dev.containerv.linux.helper;
