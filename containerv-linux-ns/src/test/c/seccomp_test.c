/*
 * seccomp_test.c - tests of seccomp.c: the text forms, compile errors, and filters loaded in
 * forked children (deny-list, allow-list, argument conditions, log-only) whose denied calls
 * fail with the chosen errno while the process lives on.
 *
 * Also seccomp_handoff.c: a program handed through a pipe arrives whole and loads; an empty pipe means
 * "compile it yourself"; a cut or impossible one is refused.
 *
 * Never: loads a filter into the test process itself (only into children it waits for).
 */
#include "caps.h"
#include "check.h"
#include "seccomp.h"
#include "seccomp_handoff.h"

#include <errno.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static struct cv_sc_rule rule(const char *name, const char *action)
{
    struct cv_sc_rule r = { .nconds = 0 };
    snprintf(r.name, sizeof r.name, "%s", name);
    CHECK(cv_seccomp_parse_action(action, &r.action) == 0);
    return r;
}

static void add_cond(struct cv_sc_rule *r, const char *text)
{
    CHECK(r->nconds < CV_SC_MAX_CONDS);
    CHECK(cv_seccomp_parse_cond(text, &r->conds[r->nconds++]) == 0);
}

/* Run body in a child under the filter; the child's exit status is the body's result (0 =
 * all its checks held), so a killed child (signal) fails the test too. */
static void in_child(const struct cv_seccomp *s, int (*body)(void))
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct cv_fail f;
        if (cv_set_no_new_privs(&f) != 0 || cv_seccomp_load(s, &f) != 0)
            _exit(100);
        _exit(body());
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "child status %#x\n", status);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int deny_getppid_body(void)
{
    errno = 0;
    long r = syscall(SYS_getppid);
    if (r != -1 || errno != EPERM)
        return 1;
    /* Still alive and other calls work. */
    return getpid() > 0 && syscall(SYS_getuid) >= 0 ? 0 : 2;
}

static int enosys_body(void)
{
    errno = 0;
    return syscall(SYS_getppid) == -1 && errno == ENOSYS ? 0 : 1;
}

static int allow_list_body(void)
{
    errno = 0;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd != -1 || errno != EPERM)
        return 1;
    errno = 0;
    if (syscall(SYS_getppid) != -1 || errno != EPERM)
        return 2;
    return getpid() > 0 ? 0 : 3;
}

static int conditions_body(void)
{
    /* clone-like flags: CLONE_NEWUSER is denied, an unshare without namespace flags is not. */
    errno = 0;
    if (unshare(CLONE_NEWUSER) != -1 || errno != EPERM)
        return 1;
    errno = 0;
    if (unshare(CLONE_NEWNS) != -1 || errno != EPERM)
        return 2;
    if (unshare(CLONE_FILES) != 0)
        return 3;
    /* personality: the default is allowed, a flag such as ADDR_NO_RANDOMIZE is not. */
    if (personality(PER_LINUX) == -1)
        return 5;
    errno = 0;
    if (personality(ADDR_NO_RANDOMIZE) != -1 || errno != EPERM)
        return 6;
    return 0;
}

static int log_only_body(void)
{
    return syscall(SYS_getppid) > 0 ? 0 : 1;
}

/* The supervisor-to-init handoff of a compiled program (seccomp_handoff.c). */
static void handoff_tests(const struct cv_seccomp *compiled)
{
    struct cv_fail f;
    struct cv_seccomp got;
    int p[2];

    /* Whole: the same instructions arrive, and the program still denies in a child. */
    CHECK(pipe(p) == 0);
    CHECK(cv_seccomp_send(p[1], compiled) == 0);
    close(p[1]);
    CHECK(cv_seccomp_receive(p[0], &got, &f) == 0);
    close(p[0]);
    CHECK(got.len == compiled->len && got.skipped == compiled->skipped);
    CHECK(memcmp(got.insns, compiled->insns, (size_t)got.len * 8) == 0);
    in_child(&got, deny_getppid_body);
    cv_seccomp_free(&got);

    /* Nothing written (the supervisor could not hand it over): the init compiles it itself. */
    CHECK(pipe(p) == 0);
    close(p[1]);
    CHECK(cv_seccomp_receive(p[0], &got, &f) == 1);
    close(p[0]);

    /* Cut short (the supervisor died while writing): refused, never a shorter filter. */
    CHECK(pipe(p) == 0);
    uint32_t head[2] = { compiled->len, 0 };
    CHECK(write(p[1], head, sizeof head) == (ssize_t)sizeof head);
    CHECK(write(p[1], compiled->insns, 8) == 8);
    close(p[1]);
    CHECK(cv_seccomp_receive(p[0], &got, &f) == -1);
    CHECK(f.err == EPIPE && strcmp(f.syscall, "read") == 0);
    close(p[0]);

    /* A length no filter has: refused before anything is allocated or read. */
    CHECK(pipe(p) == 0);
    uint32_t huge[2] = { 70000, 0 };
    CHECK(write(p[1], huge, sizeof huge) == (ssize_t)sizeof huge);
    close(p[1]);
    CHECK(cv_seccomp_receive(p[0], &got, &f) == -1);
    CHECK(f.err == EPROTO);
    close(p[0]);
}

int main(void)
{
    struct cv_sc_action a;
    struct cv_sc_cond c;
    struct cv_fail f;

    /* Text forms. */
    CHECK(cv_seccomp_parse_action("allow", &a) == 0 && a.kind == CV_SC_ALLOW);
    CHECK(cv_seccomp_parse_action("errno", &a) == 0 && a.kind == CV_SC_ERRNO && a.err == EPERM);
    CHECK(cv_seccomp_parse_action("errno:38", &a) == 0 && a.err == 38);
    CHECK(cv_seccomp_parse_action("errno:ENOSYS", &a) == 0 && a.err == ENOSYS);
    CHECK(cv_seccomp_parse_action("kill", &a) == 0 && a.kind == CV_SC_KILL_PROCESS);
    CHECK(cv_seccomp_parse_action("log", &a) == 0 && a.kind == CV_SC_LOG);
    CHECK(cv_seccomp_parse_action("errno:0", &a) == -1);
    CHECK(cv_seccomp_parse_action("errno:ENOPE", &a) == -1);
    CHECK(cv_seccomp_parse_action("trap", &a) == -1);
    CHECK(cv_seccomp_parse_cond("0:masked_eq:0x10000000:0x10000000", &c) == 0);
    CHECK(c.arg == 0 && c.op == CV_SC_MASKED_EQ && c.mask == 0x10000000 && c.value == 0x10000000);
    CHECK(cv_seccomp_parse_cond("1:ne:8", &c) == 0 && c.arg == 1 && c.op == CV_SC_NE && c.value == 8);
    CHECK(cv_seccomp_parse_cond("6:eq:1", &c) == -1);
    CHECK(cv_seccomp_parse_cond("0:eq", &c) == -1);
    CHECK(cv_seccomp_parse_cond("0:masked_eq:1", &c) == -1);
    CHECK(cv_seccomp_parse_cond("0:approx:1", &c) == -1);
    CHECK(cv_seccomp_parse_cond("0:eq:0xz", &c) == -1);

    struct cv_sc_action allow = { CV_SC_ALLOW, 0 }, eperm = { CV_SC_ERRNO, EPERM };
    struct cv_seccomp s;

    /* An unknown name is refused, naming it; a name of other architectures only is skipped. */
    struct cv_sc_rule bad[] = { rule("getppid", "errno"), rule("no_such_call", "errno") };
    CHECK(cv_seccomp_compile(allow, bad, 2, 0, &s, &f) == -1);
    CHECK(strstr(f.detail, "no_such_call") != NULL);
    CHECK(f.step == CV_STEP_SECCOMP);
#if defined(__aarch64__)
    struct cv_sc_rule foreign[] = { rule("open", "errno") };
#else
    struct cv_sc_rule foreign[] = { rule("arm_fadvise64_64", "errno") };
#endif
    CHECK(cv_seccomp_compile(allow, foreign, 1, 0, &s, &f) == 0);
    CHECK(s.skipped == 1 && s.len > 0);
    cv_seccomp_free(&s);

    /* Deny-list: the denied call gets EPERM and the process lives. */
    struct cv_sc_rule deny[] = { rule("getppid", "errno") };
    CHECK(cv_seccomp_compile(allow, deny, 1, 0, &s, &f) == 0);
    in_child(&s, deny_getppid_body);
    cv_seccomp_free(&s);

    /* Another errno, by name. */
    struct cv_sc_rule enosys[] = { rule("getppid", "errno:ENOSYS") };
    CHECK(cv_seccomp_compile(allow, enosys, 1, 0, &s, &f) == 0);
    in_child(&s, enosys_body);
    cv_seccomp_free(&s);

    /* Allow-list: what is not listed gets the default, EPERM. */
    static const char *const allowed[] = { "write", "exit", "exit_group", "getpid", "rt_sigreturn",
                                           "rt_sigprocmask", "brk", "mmap", "munmap", "futex" };
    struct cv_sc_rule list[sizeof allowed / sizeof allowed[0]];
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        list[i] = rule(allowed[i], "allow");
    CHECK(cv_seccomp_compile(eperm, list, sizeof list / sizeof list[0], 0, &s, &f) == 0);
    in_child(&s, allow_list_body);
    cv_seccomp_free(&s);

    /* Argument conditions: one rule per namespace flag (any flag denies); personality denied
     * for every bit but PER_LINUX32 (3) and UNAME26 (17), one rule per bit (libseccomp 2.5
     * takes one comparison per argument and rule). */
    struct cv_sc_rule cond[2 + 32];
    size_t n = 0;
    cond[n] = rule("unshare", "errno");
    add_cond(&cond[n++], "0:masked_eq:0x10000000:0x10000000"); /* CLONE_NEWUSER */
    cond[n] = rule("unshare", "errno");
    add_cond(&cond[n++], "0:masked_eq:0x00020000:0x00020000"); /* CLONE_NEWNS */
    for (int bit = 0; bit < 32; bit++) {
        if (bit == 3 || bit == 17)
            continue;
        char text[64];
        snprintf(text, sizeof text, "0:masked_eq:%#x:%#x", 1u << bit, 1u << bit);
        cond[n] = rule("personality", "errno");
        add_cond(&cond[n++], text);
    }
    cond[n] = rule("personality", "errno");
    add_cond(&cond[n++], "0:gt:0xffffffff");
    CHECK(n <= sizeof cond / sizeof cond[0]);
    CHECK(cv_seccomp_compile(allow, cond, n, 0, &s, &f) == 0);
    in_child(&s, conditions_body);
    cv_seccomp_free(&s);

    /* Two comparisons of the same argument in one rule: libseccomp refuses, the helper says so. */
    struct cv_sc_rule twice = rule("personality", "errno");
    add_cond(&twice, "0:ne:0");
    add_cond(&twice, "0:ne:8");
    CHECK(cv_seccomp_compile(allow, &twice, 1, 0, &s, &f) == -1);
    CHECK(strstr(f.detail, "personality") != NULL && f.err == EINVAL);

    /* Log-only: the same deny rule lets the call through. */
    CHECK(cv_seccomp_compile(allow, deny, 1, CV_SC_LOG_ONLY, &s, &f) == 0);
    in_child(&s, log_only_body);
    cv_seccomp_free(&s);

    CHECK(cv_seccomp_compile(allow, deny, 1, 0, &s, &f) == 0);
    handoff_tests(&s);
    cv_seccomp_free(&s);

    puts("seccomp_test: ok");
    return 0;
}
