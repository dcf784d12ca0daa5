/*
 * seccomp_check.h - `containerv-helper seccomp-check <rules-file> [-- <program> [<arg>...]]`:
 * compiles the seccomp directives of a file (the plan's `seccomp-default`, `seccomp` and
 * `seccomp-log` lines) and prints `ok <instructions> <skipped>`; with a program, sets
 * no_new_privs, loads the filter and execs the program under it instead. For tests and for
 * trying a policy on a workload; the container path compiles the same lines from the plan.
 *
 * Never: changes anything but its own process.
 */
#ifndef CV_SECCOMP_CHECK_H
#define CV_SECCOMP_CHECK_H

int cv_seccomp_check_main(int argc, char **argv);

#endif
