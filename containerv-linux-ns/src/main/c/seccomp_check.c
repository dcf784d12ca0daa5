/*
 * seccomp_check.c - the `seccomp-check` mode (seccomp_check.h).
 */
#include "seccomp_check.h"
#include "caps.h"
#include "report.h"
#include "seccomp.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define MAX_RULES 1024

static int report(const struct cv_fail *f, int code)
{
    char line[3 * sizeof *f + 64];
    size_t n = cv_fail_format_line(f, line, sizeof line);
    (void)cv_write_all(STDOUT_FILENO, line, n);
    return code;
}

/* Split a line at single spaces, in place; returns the field count or -1 when too many. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    for (char *p = line; *p;) {
        if (n == max)
            return -1;
        fields[n++] = p;
        char *sp = strchr(p, ' ');
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    return n;
}

int cv_seccomp_check_main(int argc, char **argv)
{
    struct cv_fail f;
    if (argc < 1 || (argc >= 2 && (strcmp(argv[1], "--") != 0 || argc < 3))) {
        return cv_report_usage("usage: containerv-helper seccomp-check <rules-file> [-- <program> [<arg>...]]");
    }
    FILE *fp = fopen(argv[0], "re");
    if (!fp) {
        cv_fail_set(&f, CV_STEP_SECCOMP, "fopen", errno, argv[0], NULL);
        return report(&f, 1);
    }
    static struct cv_sc_rule rules[MAX_RULES];
    size_t nrules = 0;
    struct cv_sc_action dflt = { CV_SC_ALLOW, 0 };
    unsigned flags = 0;
    char line[1024];
    int rc = 0, lineno = 0;
    while (rc == 0 && fgets(line, sizeof line, fp)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        char *fields[2 + 2 + CV_SC_MAX_CONDS];
        int n = split_fields(line, fields, (int)(sizeof fields / sizeof fields[0]));
        if (n > 0 && strcmp(fields[0], "seccomp") == 0) {
            if (nrules == MAX_RULES) {
                cv_fail_set(&f, CV_STEP_SECCOMP, "", E2BIG, argv[0], "more than %d rules", MAX_RULES);
                rc = -1;
            } else {
                rc = cv_seccomp_parse_rule(fields + 1, n - 1, &rules[nrules++], &f);
            }
        } else if (n == 2 && strcmp(fields[0], "seccomp-default") == 0) {
            if (cv_seccomp_parse_action(fields[1], &dflt) != 0) {
                cv_fail_set(&f, CV_STEP_SECCOMP, "", EINVAL, argv[0], "line %d: bad default action '%.64s'", lineno, fields[1]);
                rc = -1;
            }
        } else if (n == 1 && strcmp(fields[0], "seccomp-log") == 0) {
            flags |= CV_SC_LOG_ONLY;
        } else {
            cv_fail_set(&f, CV_STEP_SECCOMP, "", EINVAL, argv[0], "line %d is not a seccomp directive", lineno);
            rc = -1;
        }
    }
    fclose(fp);
    if (rc != 0)
        return report(&f, 1);
    struct cv_seccomp s;
    if (cv_seccomp_compile(dflt, rules, nrules, flags, &s, &f) != 0)
        return report(&f, 1);
    if (argc == 1) {
        printf("ok %u %u\n", s.len, s.skipped);
        cv_seccomp_free(&s);
        return 0;
    }
    if (cv_set_no_new_privs(&f) != 0 || cv_seccomp_load(&s, &f) != 0)
        return report(&f, 1);
    execv(argv[2], argv + 2);
    cv_fail_set(&f, CV_STEP_EXEC, "execv", errno, argv[2], NULL);
    return report(&f, 127);
}
