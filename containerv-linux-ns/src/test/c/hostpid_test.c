/*
 * hostpid_test.c - cv_hostpid_find against a fake /proc: the init's children file and each
 * child's NSpid line; and cv_hostpid_ask/serve over a real seqpacket pair.
 *
 * Never: reads the real /proc for the lookup checks.
 */
#include "check.h"
#include "hostpid.h"
#include "util.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/stat.h>

static void put(const char *dir, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
}

static void mk(const char *dir, const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    CHECK(mkdir(path, 0755) == 0);
}

int main(void)
{
    char dir[] = "/tmp/cv-hostpid-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    mk(dir, "100");
    mk(dir, "100/task");
    mk(dir, "100/task/100");
    put(dir, "100/task/100/children", "205 207 ");
    mk(dir, "205");
    put(dir, "205/status", "Name:\tsh\nNSpid:\t205\t2\n");
    mk(dir, "207");
    put(dir, "207/status", "Name:\tsleep\nPid:\t207\nNSpid:\t207\t3\nNStgid:\t207\t3\n");

    CHECK(cv_hostpid_find(dir, 100, 3) == 207);
    CHECK(cv_hostpid_find(dir, 100, 2) == 205);
    CHECK(cv_hostpid_find(dir, 100, 4) == 0);   /* not a child of the init */
    CHECK(cv_hostpid_find(dir, 101, 3) == 0);   /* no such init */

    /* ask/serve: the real /proc, this process as the "init" and a child of it. */
    int sp[2];
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pause();
        _exit(0);
    }
    pid_t server = fork();
    CHECK(server >= 0);
    if (server == 0) {
        close(sp[1]);
        pid_t init = getppid();
        for (;;) {
            if (cv_hostpid_serve(sp[0], init) != 0)
                _exit(0);
            usleep(1000);
        }
    }
    close(sp[0]);
    cv_hostpid_fd = sp[1];
    /* Not in a new pid namespace here, so the innermost pid is the pid itself. */
    CHECK(cv_hostpid_ask(child) == (uint32_t)child);
    CHECK(cv_hostpid_ask(999999) == 0);
    close(sp[1]);
    kill(child, SIGKILL);
    while (wait(NULL) > 0)
        ;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    printf("hostpid_test: ok\n");
    return 0;
}
