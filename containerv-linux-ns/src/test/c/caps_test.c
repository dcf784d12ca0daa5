/*
 * caps_test.c - tests of caps.c: capability names and lists, and (as root) the sets, the
 * no_new_privs flag and the dumpable flag applied in a forked child, read back from
 * /proc/self/status and prctl.
 *
 * Never: changes the test process's own capabilities (only a child's).
 */
#include "caps.h"
#include "check.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIT(c) (1ULL << (c))

/* The hex value of a "Cap...:" line of /proc/self/status, or ~0 when missing. */
static unsigned long long status_hex(const char *key)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long v = ~0ULL;
    size_t n = strlen(key);
    while (fp && fgets(line, sizeof line, fp))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            v = strtoull(line + n + 1, NULL, key[0] == 'C' ? 16 : 10);
    if (fp)
        fclose(fp);
    return v;
}

static int child_body(void)
{
    struct cv_caps c = {
        .bounding = BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_SETPCAP),
        .permitted = BIT(CAP_CHOWN) | BIT(CAP_KILL),
        .effective = BIT(CAP_CHOWN),
        .inheritable = BIT(CAP_KILL),
        .ambient = BIT(CAP_KILL),
    };
    struct cv_fail f;
    if (cv_caps_apply(&c, cv_caps_last_cap(), &f) != 0) {
        fprintf(stderr, "apply: %s %s %d %s\n", cv_step_name(f.step), f.syscall, f.err, f.detail);
        return 10;
    }
    if (cv_set_no_new_privs(&f) != 0 || cv_set_dumpable(0, &f) != 0)
        return 11;
    if (status_hex("CapBnd") != c.bounding)
        return 1;
    if (status_hex("CapPrm") != c.permitted)
        return 2;
    if (status_hex("CapEff") != c.effective)
        return 3;
    if (status_hex("CapInh") != c.inheritable)
        return 4;
    if (status_hex("CapAmb") != c.ambient)
        return 5;
    if (status_hex("NoNewPrivs") != 1)
        return 6;
    if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
        return 7;
    /* A capability outside the bounding and permitted sets cannot come back. */
    struct cv_caps more = c;
    more.permitted |= BIT(CAP_SYS_ADMIN);
    more.effective |= BIT(CAP_SYS_ADMIN);
    more.ambient = 0;
    if (cv_caps_apply(&more, cv_caps_last_cap(), &f) != -1 || f.err != EPERM || f.step != CV_STEP_CAPS)
        return 8;
    return 0;
}

/* The two-step order of spawn: bounding dropped as root, then a uid switch (which clears
 * permitted/effective/ambient), then the remaining sets. */
static int uid_switch_body(void)
{
    struct cv_caps c = { .bounding = BIT(CAP_CHOWN) | BIT(CAP_SETUID) | BIT(CAP_SETGID), .inheritable = BIT(CAP_CHOWN) };
    struct cv_fail f;
    if (cv_caps_before_setuid(&c, cv_caps_last_cap(), &f) != 0)
        return 10;
    if (syscall(SYS_setresgid, 65534, 65534, 65534) != 0 || syscall(SYS_setresuid, 65534, 65534, 65534) != 0)
        return 11;
    if (cv_caps_after_setuid(&c, cv_caps_last_cap(), &f) != 0) {
        fprintf(stderr, "set: %s %s %d %s\n", cv_step_name(f.step), f.syscall, f.err, f.detail);
        return 12;
    }
    if (status_hex("CapBnd") != c.bounding || status_hex("CapEff") != 0 || status_hex("CapPrm") != 0 ||
        status_hex("CapInh") != c.inheritable || status_hex("CapAmb") != 0)
        return 1;
    return 0;
}

static void run_child(int (*body)(void))
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(body());
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "child status %#x\n", status);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    CHECK(cv_cap_from_name("CHOWN") == CAP_CHOWN);
    CHECK(cv_cap_from_name("cap_sys_admin") == CAP_SYS_ADMIN);
    CHECK(cv_cap_from_name("CAP_CHECKPOINT_RESTORE") == 40);
    CHECK(cv_cap_from_name("TELEPORT") == -1);
    CHECK(cv_cap_from_name("") == -1);
    CHECK_STR(cv_cap_name(CAP_NET_BIND_SERVICE), "NET_BIND_SERVICE");
    CHECK(cv_cap_name(41) == NULL);
    for (int i = 0; i <= CV_CAP_MAX_KNOWN; i++)
        CHECK(cv_cap_from_name(cv_cap_name(i)) == i);

    uint64_t m;
    struct cv_fail f;
    CHECK(cv_caps_parse_list("CHOWN,KILL,CAP_SETUID", &m, CV_STEP_CAPS, &f) == 0);
    CHECK(m == (BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_SETUID)));
    CHECK(cv_caps_parse_list("-", &m, CV_STEP_CAPS, &f) == 0 && m == 0);
    CHECK(cv_caps_parse_list("", &m, CV_STEP_CAPS, &f) == 0 && m == 0);
    CHECK(cv_caps_parse_list("CHOWN,TELEPORT", &m, CV_STEP_CAPS, &f) == -1);
    CHECK(strstr(f.detail, "'TELEPORT'") != NULL && f.step == CV_STEP_CAPS);
    CHECK(cv_caps_parse_list("CHOWN,,KILL", &m, CV_STEP_CAPS, &f) == -1);
    CHECK(cv_caps_last_cap() >= 36);

    if (geteuid() != 0) {
        puts("caps_test: ok (sets not applied: needs root)");
        return 0;
    }
    run_child(child_body);
    run_child(uid_switch_body);
    puts("caps_test: ok");
    return 0;
}
