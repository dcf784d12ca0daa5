/*
 * copy_tree.h - one entry and, for a directory, its whole tree, copied by file descriptor.
 *
 * Never: follows a symlink inside the tree or at its top, or recurses on the C stack.
 */
#ifndef CV_COPY_TREE_H
#define CV_COPY_TREE_H

/* Copy sname of sdir (spath for messages) to dname of ddir (dpath), the tree below it too;
 * ddir becomes the run's top (rollback and links are relative to it). 0, or -1 with the run's
 * failure set. */
int cv_copy_tree(int sdir, const char *sname, const char *spath, int ddir, const char *dname, const char *dpath);

#endif
