/*
 * spawn.c - the child side of SPAWN: default signals, process group, stdio, rlimits,
 * capabilities around groups/gid/uid, cwd, no_new_privs, the seccomp filter, execve; each failure is written (step, syscall,
 * errno, path) to a CLOEXEC pipe that the init reads, then the child exits 127.
 *
 * Never: allocates or takes locks after fork (everything is prepared before), logs from
 * the child, or lets a host fd through (every fd of the init is CLOEXEC).
 */
#include "spawn.h"
#include "landlock.h"
#include "util.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

/* Whether this process's user namespace denies setgroups (a rootless container: a normal
 * user may map its ids only after writing "deny"). Its supplementary groups then stay the
 * ones the user had on the host (shown as the overflow group inside), which it cannot drop. */
static int setgroups_denied(void)
{
    char buf[16] = { 0 };
    int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 && strncmp(buf, "deny", 4) == 0;
}

static const char *env_path(char **envp)
{
    for (char **e = envp; e && *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0)
            return *e + 5;
    return NULL;
}

char **cv_spawn_candidates(const struct cv_spawn_req *req, const char *default_path)
{
    const char *file = (req->exec_path && req->exec_path[0]) ? req->exec_path : req->argv[0];
    if (!(req->flags & CV_SPAWN_SEARCH_PATH) || strchr(file, '/') || file[0] == '\0') {
        char **v = calloc(2, sizeof *v);
        if (v && !(v[0] = strdup(file))) {
            free(v);
            return NULL;
        }
        return v;
    }
    const char *path = env_path(req->envp);
    if (!path)
        path = default_path;
    if (!path)
        return calloc(1, sizeof(char *)); /* nowhere to search: the exec fails with ENOENT */
    size_t n = 1;
    for (const char *p = path; *p; p++)
        if (*p == ':')
            n++;
    char **v = calloc(n + 1, sizeof *v);
    if (!v)
        return NULL;
    size_t i = 0;
    const char *p = path;
    for (;;) {
        const char *e = strchr(p, ':');
        size_t dl = e ? (size_t)(e - p) : strlen(p);
        /* An empty PATH element means the current directory, as execvp does. */
        size_t len = (dl ? dl : 1) + 1 + strlen(file) + 1;
        v[i] = malloc(len);
        if (!v[i]) {
            cv_strv_free(v);
            return NULL;
        }
        snprintf(v[i], len, "%.*s/%s", (int)(dl ? dl : 1), dl ? p : ".", file);
        i++;
        if (!e)
            break;
        p = e + 1;
    }
    return v;
}

int cv_spawn_home_env(struct cv_spawn_req *req, const struct cv_cred *c, struct cv_fail *f)
{
    if (c->home_too_long) {
        cv_fail_set(f, CV_STEP_USER, "", ENAMETOOLONG, "/etc/passwd", "the home directory of user '%s' is longer than %d bytes",
                    req->user ? req->user : "", CV_HOME_MAX - 1);
        return -1;
    }
    size_t len = strlen("HOME=") + strlen(c->home) + 1;
    char *entry = malloc(len);
    if (!entry) {
        cv_fail_set(f, CV_STEP_USER, "malloc", ENOMEM, "", "HOME");
        return -1;
    }
    snprintf(entry, len, "HOME=%s", c->home);
    for (uint32_t i = 0; i < req->envc; i++) {
        if (strncmp(req->envp[i], "HOME=", 5) == 0) {
            free(req->envp[i]);
            req->envp[i] = entry;
            return 0;
        }
    }
    char **grown = realloc(req->envp, ((size_t)req->envc + 2) * sizeof *grown);
    if (!grown) {
        free(entry);
        cv_fail_set(f, CV_STEP_USER, "realloc", ENOMEM, "", "HOME");
        return -1;
    }
    req->envp = grown;
    req->envp[req->envc++] = entry;
    req->envp[req->envc] = NULL;
    return 0;
}

__attribute__((noreturn)) static void child_fail_detail(int rep, enum cv_step step, const char *sc, int err,
                                                        const char *path, const char *detail)
{
    struct cv_child_report r;
    memset(&r, 0, sizeof r);
    r.step = step;
    snprintf(r.syscall, sizeof r.syscall, "%s", sc);
    r.err = err;
    snprintf(r.path, sizeof r.path, "%s", path ? path : "");
    snprintf(r.detail, sizeof r.detail, "%s", detail ? detail : "");
    (void)!write(rep, &r, sizeof r);
    _exit(127);
}

__attribute__((noreturn)) static void child_fail(int rep, enum cv_step step, const char *sc, int err,
                                                 const char *path)
{
    child_fail_detail(rep, step, sc, err, path, NULL);
}

__attribute__((noreturn)) static void child_fail_with(int rep, const struct cv_fail *f)
{
    child_fail(rep, f->step, f->syscall, f->err, f->detail);
}

__attribute__((noreturn)) static void child(const struct cv_spawn_plan *sp, int rep)
{
    struct cv_fail f;
    const struct cv_spawn_req *req = sp->req;
    char num[32];

    /* Signals: default dispositions (ignored ones survive exec otherwise), empty mask. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            (void)sigaction(s, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
        child_fail(rep, CV_STEP_SIGNALS, "sigprocmask", errno, NULL);

    if (req->flags & CV_SPAWN_SETSID) {
        if (setsid() < 0)
            child_fail(rep, CV_STEP_SETSID, "setsid", errno, NULL);
    } else if (setpgid(0, 0) != 0) {
        child_fail(rep, CV_STEP_SETSID, "setpgid", errno, NULL);
    }

    for (int i = 0; i < 3; i++) {
        if (dup2(sp->stdio[i], i) < 0) {
            snprintf(num, sizeof num, "%d", i);
            child_fail(rep, CV_STEP_STDIO, "dup2", errno, num);
        }
        /* Stream sockets were non-blocking in the init; programs expect blocking fds. */
        int fl = fcntl(i, F_GETFL);
        if (fl >= 0 && (fl & O_NONBLOCK))
            (void)fcntl(i, F_SETFL, fl & ~O_NONBLOCK);
    }

    for (uint32_t i = 0; i < req->nrlimits; i++) {
        struct rlimit rl = { (rlim_t)req->rlimits[i].soft, (rlim_t)req->rlimits[i].hard };
        if (req->rlimits[i].soft == UINT64_MAX)
            rl.rlim_cur = RLIM_INFINITY;
        if (req->rlimits[i].hard == UINT64_MAX)
            rl.rlim_max = RLIM_INFINITY;
        if (setrlimit((__rlimit_resource_t)req->rlimits[i].resource, &rl) != 0) {
            snprintf(num, sizeof num, "%u", req->rlimits[i].resource);
            child_fail(rep, CV_STEP_RLIMIT, "setrlimit", errno, num);
        }
    }

    int nnp = sp->no_new_privs || (req->flags & CV_SPAWN_NO_NEW_PRIVS) != 0;
    /* Without no_new_privs only CAP_SYS_ADMIN may load a filter, which is about to be dropped:
     * load it now (it then also covers the remaining setup calls). */
    if (sp->seccomp && !nnp && cv_seccomp_load(sp->seccomp, &f) != 0)
        child_fail_with(rep, &f);
    if (sp->caps && !sp->caps_inherited && cv_caps_before_setuid(sp->caps, sp->last_cap, &f) != 0)
        child_fail_with(rep, &f);

    /* Raw syscalls: the process is single-threaded, no need for glibc's setxid broadcast. */
    if (syscall(SYS_setgroups, sp->cred.ngroups, sp->cred.groups) != 0 &&
        !(errno == EPERM && sp->cred.ngroups == 0 && setgroups_denied()))
        child_fail(rep, CV_STEP_SETGROUPS, "setgroups", errno, NULL);
    if (syscall(SYS_setresgid, sp->cred.gid, sp->cred.gid, sp->cred.gid) != 0)
        child_fail(rep, CV_STEP_SETGID, "setresgid", errno, NULL);
    if (syscall(SYS_setresuid, sp->cred.uid, sp->cred.uid, sp->cred.uid) != 0)
        child_fail(rep, CV_STEP_SETUID, "setresuid", errno, NULL);

    if (sp->caps) {
        /* A non-root user keeps no permitted, effective or ambient capability. */
        struct cv_caps c = *sp->caps;
        if (sp->cred.uid != 0)
            c.permitted = c.effective = c.ambient = 0;
        if (cv_caps_after_setuid(&c, sp->last_cap, &f) != 0)
            child_fail_with(rep, &f);
    }

    const char *cwd = (req->cwd && req->cwd[0]) ? req->cwd : "/";
    if (chdir(cwd) != 0)
        child_fail(rep, CV_STEP_CHDIR, "chdir", errno, cwd);

    if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        child_fail(rep, CV_STEP_NO_NEW_PRIVS, "prctl", errno, NULL);
    /* Path rules need no_new_privs too (Java allows a policy only with it). */
    if (sp->landlock_fd >= 0 && cv_landlock_enforce(sp->landlock_fd, &f) != 0)
        child_fail_with(rep, &f);
    /* Last before execve: every exec candidate below is allowed by every filter. */
    if (sp->seccomp && nnp && cv_seccomp_load(sp->seccomp, &f) != 0)
        child_fail_with(rep, &f);

    int err = ENOENT, seen_eacces = 0;
    const char *failed = sp->candidates[0] ? sp->candidates[0] : req->argv[0];
    for (char **c = sp->candidates; *c; c++) {
        execve(*c, req->argv, req->envp);
        err = errno;
        if (err == EACCES) {
            seen_eacces = 1;
            failed = *c;
        } else if (err != ENOENT && err != ENOTDIR) {
            failed = *c;
            break;
        }
    }
    if (seen_eacces && (err == ENOENT || err == ENOTDIR))
        err = EACCES;
    const char *file = (req->exec_path && req->exec_path[0]) ? req->exec_path : req->argv[0];
    if ((req->flags & CV_SPAWN_SEARCH_PATH) && file[0] != '\0' && !strchr(file, '/') &&
        (err == ENOENT || err == ENOTDIR)) {
        /* Found nowhere: name the program and where it was looked for, not the first directory tried. */
        char detail[sizeof ((struct cv_child_report *)0)->detail];
        const char *path = env_path(req->envp);
        if (path)
            snprintf(detail, sizeof detail, "searched PATH=%s", path);
        else if (sp->default_path)
            snprintf(detail, sizeof detail, "searched the default PATH=%s (the environment has none)", sp->default_path);
        else
            snprintf(detail, sizeof detail, "no PATH to search (the environment has none)");
        child_fail_detail(rep, CV_STEP_EXEC, "execve", ENOENT, file, detail);
    }
    child_fail(rep, CV_STEP_EXEC, "execve", err, failed);
}

pid_t cv_spawn_fork(const struct cv_spawn_plan *sp, int *report_fd, struct cv_fail *f)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        cv_fail_set(f, CV_STEP_FORK, "pipe2", errno, "", NULL);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        cv_fail_set(f, CV_STEP_FORK, "fork", e, "", NULL);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        child(sp, p[1]);
    }
    close(p[1]);
    *report_fd = p[0];
    return pid;
}
