/*
 * report.c - errno name table, step names (steps.h) and formatting of structured failure
 * lines.
 *
 * Never: calls strerror for user output, or interprets which errors are "expected".
 */
#include "report.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define E(x) { x, #x }
static const struct {
    int value;
    const char *name;
} errno_table[] = {
    E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC),
    E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK), E(EBUSY),
    E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE),
    E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
    E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS), E(ENOTEMPTY),
    E(ELOOP), E(ENOMSG), E(EIDRM), E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR), E(EREMOTE),
    E(ENOLINK), E(EPROTO), E(EBADMSG), E(EOVERFLOW), E(EILSEQ), E(EUSERS), E(ENOTSOCK),
    E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE),
    E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED),
    E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS),
    E(ETIMEDOUT), E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY),
    E(EINPROGRESS), E(ESTALE), E(EDQUOT), E(ECANCELED), E(EOWNERDEAD), E(ENOTRECOVERABLE),
    E(ERFKILL), E(EHWPOISON), E(ENOMEDIUM), E(EMEDIUMTYPE), E(ENOKEY), E(EKEYEXPIRED),
    E(EKEYREVOKED), E(EKEYREJECTED), E(EUCLEAN), E(ENOTNAM), E(EREMOTEIO),
};
#undef E

const char *cv_errno_name(int err, char *buf, size_t bufsz)
{
    for (size_t i = 0; i < sizeof errno_table / sizeof errno_table[0]; i++)
        if (errno_table[i].value == err)
            return errno_table[i].name;
    if (err == 0)
        return "-";
    snprintf(buf, bufsz, "E%d", err);
    return buf;
}

#define CV_STEP_NAME_(id, name) name,
static const char *const step_names[] = { CV_STEP_TABLE(CV_STEP_NAME_) };
#undef CV_STEP_NAME_

const char *cv_step_name(enum cv_step step)
{
    return (unsigned)step < CV_STEP_COUNT ? step_names[step] : step_names[CV_STEP_PROTOCOL];
}

void cv_fail_set(struct cv_fail *f, enum cv_step step, const char *syscall, int err,
                 const char *path, const char *detail_fmt, ...)
{
    f->step = step;
    snprintf(f->syscall, sizeof f->syscall, "%s", syscall ? syscall : "");
    f->err = err;
    snprintf(f->path, sizeof f->path, "%s", path ? path : "");
    f->detail[0] = '\0';
    if (detail_fmt) {
        va_list ap;
        va_start(ap, detail_fmt);
        vsnprintf(f->detail, sizeof f->detail, detail_fmt, ap);
        va_end(ap);
    }
}

size_t cv_fail_format_line(const struct cv_fail *f, char *out, size_t outsz)
{
    char step[96], sc[3 * sizeof f->syscall], path[3 * sizeof f->path],
        detail[3 * sizeof f->detail], ebuf[16], name[64];
    cv_pct_encode_field(cv_step_name(f->step), step, sizeof step);
    cv_pct_encode_field(f->syscall, sc, sizeof sc);
    cv_pct_encode_field(f->path, path, sizeof path);
    cv_pct_encode_field(f->detail, detail, sizeof detail);
    cv_pct_encode_field(f->err ? cv_errno_name(f->err, ebuf, sizeof ebuf) : "", name, sizeof name);
    int n = snprintf(out, outsz, "error %s %s %s %d %s %s\n", step, sc, name, f->err, path, detail);
    if (n < 0)
        return 0;
    return (size_t)n < outsz ? (size_t)n : outsz - 1;
}

int cv_report_usage(const char *detail)
{
    struct cv_fail f;
    char line[3 * sizeof f + 64];
    cv_fail_set(&f, CV_STEP_USAGE, "", EINVAL, "", "%s", detail);
    size_t n = cv_fail_format_line(&f, line, sizeof line);
    (void)cv_write_all(STDOUT_FILENO, line, n);
    return 2;
}
