/*
 * syscalls.c - the `syscalls` mode (syscalls.h).
 */
#include "syscalls.h"
#include "report.h"
#include "util.h"

#include <seccomp.h>
#include <stdio.h>
#include <string.h>

/* Both architectures number their calls densely from 0 (the generic table); 1024 covers them. */
#define CV_SYSCALL_NR_LIMIT 1024

int cv_syscalls_main(int argc, char **argv)
{
    uint32_t arch = seccomp_arch_native();
    if (argc == 2 && strcmp(argv[0], "--arch") == 0 &&
        (strcmp(argv[1], "x86_64") == 0 || strcmp(argv[1], "aarch64") == 0)) {
        arch = seccomp_arch_resolve_name(argv[1]);
    } else if (argc != 0) {
        return cv_report_usage("usage: containerv-helper syscalls [--arch x86_64|aarch64]");
    }
    if (arch != SCMP_ARCH_X86_64 && arch != SCMP_ARCH_AARCH64) {
        return cv_report_usage("the native architecture is neither x86_64 nor aarch64; name one with --arch");
    }
    for (int nr = 0; nr < CV_SYSCALL_NR_LIMIT; nr++) {
        char *name = seccomp_syscall_resolve_num_arch(arch, nr);
        if (name) {
            fprintf(stdout, "%s\n", name);
            free(name);
        }
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
