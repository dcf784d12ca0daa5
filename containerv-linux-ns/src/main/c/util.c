/*
 * util.c - implementation of the small helpers declared in util.h (logging, percent
 * encoding, full reads/writes, time, number parsing, fd sweeping).
 *
 * Never: decides anything about containers; it only moves bytes and formats fields.
 */
#include "util.h"

#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

const char *cv_log_role = "helper";

void cv_log(const char *fmt, ...)
{
    int saved = errno;
    char line[2048];
    int n = snprintf(line, sizeof line, "containerv-helper[%ld] %s: ", (long)getpid(), cv_log_role);
    if (n < 0)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    (void)cv_write_all(STDERR_FILENO, line, len);
    errno = saved;
}

int cv_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = CV_RETRY(write(fd, p, len));
        if (w < 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

ssize_t cv_read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t r = CV_RETRY(read(fd, p + got, len - got));
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int needs_escape(unsigned char c)
{
    return c == '%' || c == ' ' || c < 0x20 || c >= 0x7f;
}

size_t cv_pct_encode_field(const char *in, char *out, size_t outsz)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    if (outsz == 0)
        return 0;
    if (in == NULL || in[0] == '\0') {
        if (outsz >= 2) {
            out[0] = '-';
            out[1] = '\0';
            return 1;
        }
        out[0] = '\0';
        return 0;
    }
    if (strcmp(in, "-") == 0) {
        if (outsz >= 4) {
            memcpy(out, "%2D", 4);
            return 3;
        }
        out[0] = '\0';
        return 0;
    }
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (needs_escape(*p)) {
            if (o + 3 >= outsz)
                break;
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        } else {
            if (o + 1 >= outsz)
                break;
            out[o++] = (char)*p;
        }
    }
    out[o] = '\0';
    return o;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cv_pct_decode(char *s, size_t *bad_at)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (*r == '%') {
            int hi = r[1] ? hexval(r[1]) : -1;
            int lo = (hi >= 0 && r[2]) ? hexval(r[2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                if (bad_at)
                    *bad_at = (size_t)(r - s);
                return -1;
            }
            *w++ = (char)(hi * 16 + lo);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return 0;
}

int64_t cv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cv_parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (s == NULL || *s == '\0')
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void cv_close_fds_except(const int *keep, size_t nkeep)
{
    int sorted[16];
    size_t n = 0;
    for (size_t i = 0; i < nkeep && n < 16; i++)
        if (keep[i] >= 3)
            sorted[n++] = keep[i];
    qsort(sorted, n, sizeof sorted[0], cmp_int);
    unsigned lo = 3;
    for (size_t i = 0; i <= n; i++) {
        unsigned hi = i < n ? (unsigned)sorted[i] - 1 : ~0U;
        if (i < n && (unsigned)sorted[i] < lo) {
            continue;
        }
        if (hi >= lo) {
            if (syscall(SYS_close_range, lo, hi, 0) != 0) {
                /* Old kernel: close one by one up to a sane bound. */
                unsigned top = hi > 65535 ? 65535 : hi;
                for (unsigned fd = lo; fd <= top; fd++)
                    close((int)fd);
            }
        }
        if (i < n)
            lo = (unsigned)sorted[i] + 1;
    }
}

unsigned long long cv_proc_starttime(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = CV_RETRY(open(path, O_RDONLY | O_CLOEXEC));
    if (fd < 0)
        return 0;
    ssize_t n = cv_read_full(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* The command name (field 2) may contain spaces: count from its closing ')'. */
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    /* p[1] is the space before field 3; after k more spaces we are before field 3 + k. */
    p++;
    for (int field = 3; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    return p ? strtoull(p + 1, NULL, 10) : 0;
}
