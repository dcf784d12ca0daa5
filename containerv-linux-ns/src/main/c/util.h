/*
 * util.h - small shared helpers of containerv-helper: EINTR retry, cleanup attributes,
 * logging to stderr, percent-encoding, whole-buffer I/O, monotonic time.
 *
 * Never: makes decisions, formats user-facing prose, or touches the network or files.
 */
#ifndef CV_UTIL_H
#define CV_UTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define CV_HELPER_VERSION "1.0.0"
#define CV_PLAN_VERSION 2
#define CV_PROTOCOL_VERSION 1

/* Retry a syscall expression while it fails with EINTR; yields the final result. */
#define CV_RETRY(expr)                                                                  \
    __extension__({                                                                     \
        long cv_retry_r_;                                                               \
        do {                                                                            \
            cv_retry_r_ = (long)(expr);                                                 \
        } while (cv_retry_r_ == -1L && errno == EINTR);                                 \
        cv_retry_r_;                                                                    \
    })

static inline void cv_closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
        *fd = -1;
    }
}

static inline void cv_freep(void *p)
{
    int saved = errno;
    free(*(void **)p);
    errno = saved;
}

#define cleanup_fd __attribute__((cleanup(cv_closep)))
#define cleanup_free __attribute__((cleanup(cv_freep)))

/* Take ownership of an fd held in a cleanup_fd variable. */
static inline int cv_steal_fd(int *fd)
{
    int r = *fd;
    *fd = -1;
    return r;
}

/* Role shown in log lines ("supervisor", "init", "copy"). */
extern const char *cv_log_role;

/* One debug line on stderr: "containerv-helper[pid] role: message". errno is preserved. */
void cv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write/read the whole buffer (EINTR retried). 0 on success, -1 with errno. read_full
 * returns the number of bytes read (short only at EOF) or -1. */
int cv_write_all(int fd, const void *buf, size_t len);
ssize_t cv_read_full(int fd, void *buf, size_t len);

/* Percent-encode one field as documented (docs/linux-helper-protocol.md 2.1/3.1):
 * '%', ' ', bytes < 0x20 and >= 0x7f become %XX; the empty string becomes "-" and the
 * string "-" becomes "%2D". Always NUL-terminates; truncates at a whole escape when out is
 * too small. Returns the length written. */
size_t cv_pct_encode_field(const char *in, char *out, size_t outsz);

/* Decode a percent-encoded argument in place. Returns 0, or -1 on a bad escape or %00
 * (then *bad_at holds the byte offset of the offending '%'). */
int cv_pct_decode(char *s, size_t *bad_at);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t cv_now_ms(void);

/* Parse an unsigned decimal (digits only, no sign) into *out; -1 if invalid/overflow. */
int cv_parse_u64(const char *s, uint64_t *out);

/* Close every fd >= 3 except those listed (keep need not be sorted). */
void cv_close_fds_except(const int *keep, size_t nkeep);

/* Field 22 (starttime, clock ticks since boot) of /proc/<pid>/stat; 0 when unreadable. */
unsigned long long cv_proc_starttime(pid_t pid);

#endif
