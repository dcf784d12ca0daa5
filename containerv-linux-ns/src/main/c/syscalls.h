/*
 * syscalls.h - `containerv-helper syscalls [--arch x86_64|aarch64]`: prints, one a line and
 * sorted by number, the system call names libseccomp knows for an architecture (default: the
 * native one), so Java can check the names of a policy against what the helper will resolve.
 *
 * Never: touches the system; it only asks the linked libseccomp.
 */
#ifndef CV_SYSCALLS_H
#define CV_SYSCALLS_H

int cv_syscalls_main(int argc, char **argv);

#endif
