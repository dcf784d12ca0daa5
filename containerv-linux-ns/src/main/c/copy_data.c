/*
 * copy_data.c - a regular file's contents (copy_data.h): copy_file_range, else sendfile, else
 * read/write through one 1 MiB buffer; SEEK_DATA/SEEK_HOLE keep holes, so a sparse file that
 * costs the container nothing costs the destination nothing either.
 *
 * Never: copies more than the size given (a file the container keeps growing would otherwise
 * fill the host's disk through one download).
 */
#include "copy_data.h"
#include "copy_run.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <unistd.h>

static char *BUF; /* 1 MiB fallback buffer */

int cv_copy_data_init(void)
{
    BUF = malloc(1u << 20);
    return BUF ? 0 : cv_copy_fail(CV_STEP_COPY, "malloc", ENOMEM, "");
}

/* Copy len bytes at offset off of in to the same offset of out. Never more than len: a file
 * the container keeps growing while it is copied stops at the size it had when opened. */
static int copy_range(int in, int out, off_t off, off_t len, const char *spath, const char *dpath)
{
    int mode = 0; /* 0 copy_file_range, 1 sendfile, 2 read/write */
    off_t left = len;
    if (lseek(in, off, SEEK_SET) < 0)
        return cv_copy_fail(CV_STEP_READ, "lseek", errno, spath);
    if (lseek(out, off, SEEK_SET) < 0)
        return cv_copy_fail(CV_STEP_WRITE, "lseek", errno, dpath);
    while (left > 0) {
        ssize_t n;
        size_t want = left < (off_t)(1u << 30) ? (size_t)left : 1u << 30;
        if (mode == 0) {
            n = copy_file_range(in, NULL, out, NULL, want, 0);
            if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
                          errno == EBADF) && left == len) {
                mode = 1;
                continue;
            }
        } else if (mode == 1) {
            n = sendfile(out, in, NULL, want);
            if (n < 0 && (errno == EINVAL || errno == ENOSYS) && left == len) {
                mode = 2;
                continue;
            }
        } else {
            n = read(in, BUF, want < (1u << 20) ? want : 1u << 20);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return cv_copy_fail(CV_STEP_READ, "read", errno, spath);
            if (n > 0 && cv_write_all(out, BUF, (size_t)n) != 0)
                return cv_copy_fail(CV_STEP_WRITE, "write", errno, dpath);
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return cv_copy_fail(CV_STEP_COPY, mode == 0 ? "copy_file_range" : "sendfile", errno, dpath);
        }
        if (n == 0)
            return 0; /* shrank meanwhile: the rest stays a hole */
        cv_copy.stats.bytes += (unsigned long long)n;
        left -= n;
    }
    return 0;
}

/*
 * Copy the first size bytes of in to out, data extents only: holes stay holes (SEEK_DATA /
 * SEEK_HOLE), so a sparse file of a terabyte that costs the container nothing costs the
 * destination nothing either; the size is set last.
 */
int cv_copy_data(int in, int out, off_t size, const char *spath, const char *dpath)
{
    off_t pos = 0;
    while (pos < size) {
        off_t data = lseek(in, pos, SEEK_DATA), hole;
        if (data < 0 && errno == ENXIO)
            break; /* only a hole from pos on */
        if (data < 0) {
            data = pos; /* no SEEK_DATA here: all data */
            hole = size;
        } else {
            hole = lseek(in, data, SEEK_HOLE);
            if (hole < 0 || hole > size)
                hole = size;
        }
        if (data >= size)
            break;
        if (copy_range(in, out, data, hole - data, spath, dpath) != 0)
            return -1;
        pos = hole;
    }
    if (ftruncate(out, size) != 0)
        return cv_copy_fail(CV_STEP_WRITE, "ftruncate", errno, dpath);
    return 0;
}
