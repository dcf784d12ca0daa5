/*
 * copy_links.h - files met again in one copy (hard links, or a file the container moved ahead
 * of the walk) become links to their first copy, as tar and docker cp link hard links.
 *
 * Never: follows a link to reach a first copy, or links to anything but a regular file.
 */
#ifndef CV_COPY_LINKS_H
#define CV_COPY_LINKS_H

#include <sys/stat.h>

/* Link dname of ddir to the first copy of st's file (the run's rp names dname). 1 when linked,
 * 0 when it must be copied (first time, or the first copy is gone or cannot be linked), -1
 * with the run's failure set. */
int cv_copy_link_to_first_copy(const struct stat *st, int ddir, const char *dname);

#endif
