/*
 * passwd_test.c - tests of SPAWN user resolution against scratch passwd/group files.
 *
 * Never: reads the host's /etc/passwd or /etc/group.
 */
#include "check.h"
#include "passwd.h"

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
    unlink(gr);
    CHECK(mkfifo(gr, 0600) == 0);
    alarm(10);
    CHECK(cv_passwd_resolve("bob", pw, gr, &c, &f) != 0);
    alarm(0);
    CHECK(f.step == CV_STEP_GROUP);
    CHECK(f.err == EINVAL);
    CHECK_STR(f.path, gr);
    unlink(gr);
    write_file(gr, "wheel:x:10:bob\n");

    CHECK(cv_passwd_resolve("bob:", pw, gr, &c, &f) != 0);
    CHECK(cv_passwd_resolve(":x", pw, gr, &c, &f) != 0);

    unlink(pw);
    unlink(gr);
    rmdir(dir);
    puts("passwd_test: ok");
    return 0;
}
