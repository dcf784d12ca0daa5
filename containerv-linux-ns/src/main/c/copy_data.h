/*
 * copy_data.h - a regular file's contents, copied by descriptor: data extents only (holes stay
 * holes), never past the size the file had when opened.
 *
 * Never: opens, names or creates a file (the walk hands it both descriptors).
 */
#ifndef CV_COPY_DATA_H
#define CV_COPY_DATA_H

#include <sys/types.h>

/* Allocates the 1 MiB buffer of the read/write fallback; -1 with the run's failure set. */
int cv_copy_data_init(void);

/* Copy the first size bytes of in to out, holes kept, the size set last; 0, or -1 with the
 * run's failure set (spath and dpath name the two files). */
int cv_copy_data(int in, int out, off_t size, const char *spath, const char *dpath);

#endif
