/*
 * passwd_test.c - tests of SPAWN user resolution against scratch passwd/group files.
 *
 * Never: reads the host's /etc/passwd or /etc/group.
 */
#include "check.h"
#include "passwd.h"
#include "spawn.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    fputs(text, fp);
    fclose(fp);
}

/* The file at fifo_path (the passwd or the group file) is replaced by a FIFO with no writer:
 * resolving "bob" must fail at once (not block PID 1) with the step, EINVAL and that path;
 * then the file gets text back. */
static void expect_fifo_refused(const char *fifo_path, const char *pw, const char *gr, enum cv_step step,
                                const char *text)
{
    struct cv_cred c;
    struct cv_fail f;
    unlink(fifo_path);
    CHECK(mkfifo(fifo_path, 0600) == 0);
    alarm(10);
    CHECK(cv_passwd_resolve("bob", pw, gr, &c, &f) != 0);
    alarm(0);
    CHECK(f.step == step);
    CHECK(f.err == EINVAL);
    CHECK_STR(f.path, fifo_path);
    unlink(fifo_path);
    write_file(fifo_path, text);
}

int main(void)
{
    char dir[] = "/tmp/cv-user-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char pw[128], gr[128];
    snprintf(pw, sizeof pw, "%s/passwd", dir);
    snprintf(gr, sizeof gr, "%s/group", dir);
    write_file(pw, "root:x:0:0:root:/root:/bin/sh\n# c\nbob:x:1000:1000::/home/bob:/bin/sh\nbroken\n");
    write_file(gr, "root:x:0:\nbob:x:1000:\nwheel:x:10:alice,bob\naudio:x:29:bobby\nstaff:x:50:bob\n");

    struct cv_cred c;
    struct cv_fail f;
    CHECK(cv_passwd_resolve("", pw, gr, &c, &f) == 0);
    CHECK(c.uid == 0 && c.gid == 0 && c.ngroups == 0);

    CHECK(cv_passwd_resolve("bob", pw, gr, &c, &f) == 0);
    CHECK(c.uid == 1000 && c.gid == 1000 && c.ngroups == 3);
    CHECK(c.groups[0] == 1000 && c.groups[1] == 10 && c.groups[2] == 50);

    CHECK(cv_passwd_resolve("1000", pw, gr, &c, &f) == 0); /* numeric with entry */
    CHECK(c.uid == 1000 && c.gid == 1000 && c.ngroups == 3);

    CHECK(cv_passwd_resolve("4242", pw, gr, &c, &f) == 0); /* numeric without entry */
    CHECK(c.uid == 4242 && c.gid == 0 && c.ngroups == 1);

    CHECK(cv_passwd_resolve("bob:audio", pw, gr, &c, &f) == 0);
    CHECK(c.uid == 1000 && c.gid == 29 && c.groups[0] == 29);

    CHECK(cv_passwd_resolve("4242:77", pw, gr, &c, &f) == 0);
    CHECK(c.uid == 4242 && c.gid == 77 && c.ngroups == 1);

    CHECK(cv_passwd_resolve("nobody", pw, gr, &c, &f) != 0);
    CHECK(f.step == CV_STEP_USER);
    CHECK(f.err == ENOENT);
    CHECK_STR(f.path, pw);

    CHECK(cv_passwd_resolve("bob:nogroup", pw, gr, &c, &f) != 0);
    CHECK(f.step == CV_STEP_GROUP);
    CHECK_STR(f.path, gr);

    /* Group lines without the member field (three fields, no trailing colon) are valid;
     * the helper must treat them as "no members", never read past the fields it found. */
    write_file(gr, "short:x:5\nwheel:x:10:bob\ntail:x:11\n");
    CHECK(cv_passwd_resolve("bob", pw, gr, &c, &f) == 0);
    CHECK(c.uid == 1000 && c.gid == 1000 && c.ngroups == 2);
    CHECK(c.groups[0] == 1000 && c.groups[1] == 10);
    CHECK(cv_passwd_resolve("bob:tail", pw, gr, &c, &f) == 0);
    CHECK(c.gid == 11);

    /* A group file replaced by a FIFO (no writer) must fail at once, not block PID 1. */
    expect_fifo_refused(gr, pw, gr, CV_STEP_GROUP, "wheel:x:10:bob\n");

    /* The home of the user (HOME when the SPAWN asks for it): the entry's, "/" when empty, "/root" or "/"
     * without an entry, "/root" for no user at all. */
    write_file(pw, "root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\nnohome:x:1001:1001:::/bin/sh\nshort:x:1002:1002\n");
    CHECK(cv_passwd_resolve("bob", pw, gr, &c, &f) == 0);
    CHECK_STR(c.home, "/home/bob");
    CHECK(cv_passwd_resolve("1000:10", pw, gr, &c, &f) == 0);
    CHECK_STR(c.home, "/home/bob");
    CHECK(cv_passwd_resolve("nohome", pw, gr, &c, &f) == 0);
    CHECK_STR(c.home, "/");
    CHECK(cv_passwd_resolve("short", pw, gr, &c, &f) == 0);
    CHECK_STR(c.home, "/");
    CHECK(cv_passwd_resolve("4242", pw, gr, &c, &f) == 0);
    CHECK_STR(c.home, "/");
    CHECK(cv_passwd_resolve("0", pw, gr, &c, &f) == 0);
    CHECK_STR(c.home, "/root");
    CHECK(cv_passwd_resolve("", pw, gr, &c, &f) == 0);
    CHECK_STR(c.home, "/root");

    /* HOME into a request's environment: appended, or in place of the HOME it had. */
    struct cv_spawn_req req;
    memset(&req, 0, sizeof req);
    req.user = "bob";
    req.envp = calloc(2, sizeof *req.envp);
    CHECK(req.envp != NULL);
    req.envp[0] = strdup("PATH=/bin");
    req.envc = 1;
    CHECK(cv_passwd_resolve("bob", pw, gr, &c, &f) == 0);
    CHECK(cv_spawn_home_env(&req, &c, &f) == 0);
    CHECK(req.envc == 2 && req.envp[2] == NULL);
    CHECK_STR(req.envp[0], "PATH=/bin");
    CHECK_STR(req.envp[1], "HOME=/home/bob");
    CHECK(cv_passwd_resolve("0", pw, gr, &c, &f) == 0);
    CHECK(cv_spawn_home_env(&req, &c, &f) == 0);
    CHECK(req.envc == 2);
    CHECK_STR(req.envp[1], "HOME=/root");
    cv_strv_free(req.envp);

    /* A home that does not fit is refused when HOME is asked for, never cut short. */
    size_t big = CV_HOME_MAX + 10;
    char *line = malloc(big + 64);
    CHECK(line != NULL);
    int at = snprintf(line, big + 64, "long:x:7:7::/");
    memset(line + at, 'h', big);
    strcpy(line + at + big, ":/bin/sh\n");
    write_file(pw, line);
    free(line);
    CHECK(cv_passwd_resolve("long", pw, gr, &c, &f) == 0);
    CHECK(c.uid == 7 && c.home_too_long);
    memset(&req, 0, sizeof req);
    req.user = "long";
    req.envp = calloc(1, sizeof *req.envp);
    CHECK(req.envp != NULL);
    CHECK(cv_spawn_home_env(&req, &c, &f) != 0);
    CHECK(f.step == CV_STEP_USER);
    CHECK(f.err == ENAMETOOLONG);
    cv_strv_free(req.envp);

    /* A passwd file replaced by a FIFO (no writer): the user cannot be resolved, at once. */
    expect_fifo_refused(pw, pw, gr, CV_STEP_USER, "bob:x:1000:1000::/home/bob:/bin/sh\n");

    CHECK(cv_passwd_resolve("bob:", pw, gr, &c, &f) != 0);
    CHECK(cv_passwd_resolve(":x", pw, gr, &c, &f) != 0);

    unlink(pw);
    unlink(gr);
    rmdir(dir);
    puts("passwd_test: ok");
    return 0;
}
