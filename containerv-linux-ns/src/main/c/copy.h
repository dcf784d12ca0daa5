/*
 * copy.h - `containerv-helper copy`: file and tree transfer into or out of a running
 * container (docs/linux-helper-protocol.md section 7).
 *
 * Never: resolves a container path before it has entered the container's mount namespace.
 */
#ifndef CV_COPY_H
#define CV_COPY_H

int cv_copy_main(int argc, char **argv);

#endif
