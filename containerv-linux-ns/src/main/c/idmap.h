/*
 * idmap.h - idmapped mounts: a host tree seen through the container's user namespace, so
 * that files owned by host uid 0 appear owned by the container's root, without changing a
 * single owner on disk.
 *
 * Never: chowns anything, or makes a writable idmapped mount (a write through one would
 * store the container's ids mapped back, e.g. root 0 on the host).
 */
#ifndef CV_IDMAP_H
#define CV_IDMAP_H

#include "plan.h"
#include "report.h"

/* Attaches a read-only, nodev idmapped clone of host_path (recursive when asked; nosuid too
 * when asked) onto the directory or file target_fd (an O_PATH descriptor in the init's
 * mount namespace), through the namespace cv_userns_fd. what names the target in failures.
 * 0, or -1 with f (step idmap; the detail names the file system's magic number). */
int cv_idmap_attach(const char *host_path, int target_fd, const char *what, int recursive, int nosuid,
                    struct cv_fail *f);

/* The overlay's lower dir through the maps: an idmapped clone of the plan's rootfs (not
 * recursive, like overlayfs's own view of a lower dir) attached on the plan's merged dir,
 * which the overlay is then mounted on top of. */
int cv_idmap_lower(const struct cv_plan *p, struct cv_fail *f);

/* Before the init mounts anything of the container (right after making its tree private):
 * a recursive, read-only, nosuid, nodev, private idmapped clone of every bind-idmap source.
 * Made this early because a source may contain the container's own layer directory, where
 * the overlay (which cannot be idmapped) and the idmapped lower are mounted next; the
 * non-idmapped bind sees them, but one clone of an idmapped or overlay mount fails the whole
 * recursive idmapping. */
int cv_idmap_prepare(const struct cv_plan *p, struct cv_fail *f);

/* bind-idmap <host-src> <container-dst>: the mount point is created (a directory, or an
 * empty file for a source that is not one), then the clone cv_idmap_prepare made is
 * attached on it. */
int cv_idmap_bind(int rootfd, const struct cv_setup_op *m, struct cv_fail *f);

#endif
