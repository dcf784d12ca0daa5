/*
 * main.c - command-line dispatch of containerv-helper: init, copy, cleanup, check-plan, steps,
 * seccomp-check, syscalls,
 * version.
 *
 * Never: does any work itself beyond parsing argv and printing usage errors.
 */
#include "cleanup.h"
#include "copy.h"
#include "netlink.h"
#include "plan.h"
#include "report.h"
#include "supervisor.h"
#include "userns.h"
#include "seccomp_check.h"
#include "standby.h"
#include "syscalls.h"
#include "title.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "version") == 0 && argc == 2) {
        printf("containerv-helper %s plan %d protocol %d\n", CV_HELPER_VERSION, CV_PLAN_VERSION,
               CV_PROTOCOL_VERSION);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "init") == 0) {
        /* init <plan> [early|standby:<idle-ms>] [userns-self | <mark>]: "early" when started before
         * the plan is written, "standby" when started before its create is known (its first word is then
         * room for the plan path, which its stdin line names; standby.c); "userns-self" asks
         * either to make its user namespace first; a mark is the rootless supervisor's sign on
         * its own re-execution (userns.c). */
        static const char usage[] = "usage: containerv-helper init <plan-path> [early|standby:<idle-ms> [userns-self]]";
        if (argc < 3 || argc > 5)
            return cv_report_usage(usage);
        int mode = argc < 4 ? CV_START_PLAN : cv_start_parse(argv[3]);
        if (mode < 0)
            return cv_report_usage(usage);
        const char *last = argc == 5 ? argv[4] : argc == 4 && !mode ? argv[3] : NULL;
        if (argc == 5 && !mode)
            return cv_report_usage(usage);
        int early_userns = mode && last && strcmp(last, "userns-self") == 0;
        /* A copy: a standby's words move when its plan path fills the room (title.c). */
        static char mark[64];
        if (last && !early_userns && strlen(last) >= sizeof mark)
            return cv_report_usage(usage);
        if (last && !early_userns)
            strcpy(mark, last);
        cv_userns_self_mark = last && !early_userns ? mark : NULL;
        cv_title_remember(argc, argv);
        return cv_supervisor_main(argv[2], mode, early_userns);
    }
    if (argc >= 2 && strcmp(argv[1], "check-plan") == 0) {
        if (argc != 3)
            return cv_report_usage("usage: containerv-helper check-plan <plan-path>");
        struct cv_plan p;
        struct cv_fail f;
        if (cv_plan_load(argv[2], &p, &f) != 0) {
            char line[3 * sizeof f + 64];
            size_t n = cv_fail_format_line(&f, line, sizeof line);
            (void)cv_write_all(STDOUT_FILENO, line, n);
            return 2;
        }
        cv_plan_free(&p);
        (void)cv_write_all(STDOUT_FILENO, "ok\n", 3);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "cleanup") == 0) {
        if (argc < 3)
            return cv_report_usage("usage: containerv-helper cleanup <host-path>...");
        for (int i = 2; i < argc; i++)
            if (argv[i][0] != '/' || strcmp(argv[i], "/") == 0)
                return cv_report_usage("cleanup paths must be absolute and not '/'");
        cv_log_role = "cleanup";
        return cv_cleanup_trees((const char *const *)(argv + 2), (size_t)(argc - 2)) != 0 ? 3 : 0;
    }
    if (argc >= 2 && strcmp(argv[1], "remove-link") == 0) {
        /* Java names the host side of a dead container's veth (derived from its id). */
        if (argc != 3)
            return cv_report_usage("usage: containerv-helper remove-link <host-interface>");
        cv_log_role = "cleanup";
        int e = cv_netlink_link_delete(argv[2]);
        if (e != 0)
            cv_log("removing link %s: %s", argv[2], strerror(-e));
        return e == 0 ? 0 : 3;
    }
    if (argc == 2 && strcmp(argv[1], "steps") == 0) {
        for (int s = 0; s < CV_STEP_COUNT; s++)
            printf("%s\n", cv_step_name((enum cv_step)s));
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "copy") == 0)
        return cv_copy_main(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "seccomp-check") == 0)
        return cv_seccomp_check_main(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "syscalls") == 0)
        return cv_syscalls_main(argc - 2, argv + 2);
    return cv_report_usage("usage: containerv-helper init <plan> | copy upload|download ... | cleanup <path>... | remove-link <if> | check-plan <plan> | seccomp-check <rules> [-- cmd] | syscalls [--arch A] | steps | version");
}
