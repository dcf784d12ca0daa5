/*
 * plan.h - the launch plan (plan version 1, docs/linux-helper-protocol.md section 2) as a
 * typed structure, and its parser.
 *
 * Never: performs any of the plan's operations; it only parses and validates syntax.
 */
#ifndef CV_PLAN_H
#define CV_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"

enum {
    CV_NS_NET = 1u << 0,
    CV_NS_IPC = 1u << 1,
    CV_NS_CGROUP = 1u << 2,
};

enum cv_mount_kind { CV_MOUNT_BIND = 1, CV_MOUNT_TMPFS = 2 };

struct cv_mount_op {
    enum cv_mount_kind kind;
    char *src;        /* bind: host source */
    char *dst;        /* container path */
    int readonly;     /* bind: 1 for "ro" */
    uint64_t size;    /* tmpfs: bytes, 0 = kernel default */
    unsigned mode;    /* tmpfs: permission bits */
};

enum cv_cleanup_kind { CV_CLEANUP_TREE = 1, CV_CLEANUP_RMDIR = 2 };

struct cv_cleanup_op {
    enum cv_cleanup_kind kind;
    char *path;
};

struct cv_plan {
    char *id;              /* id */
    char *hostname;        /* hostname */
    unsigned namespaces;   /* namespaces: CV_NS_* */
    char *state_dir;       /* state-dir */
    char *control_socket;  /* control-socket */
    char *rootfs;          /* rootfs (overlay lower) */
    char *upper;           /* upper */
    char *work;            /* work */
    char *tmpfs_upper;     /* tmpfs-upper dir */
    uint64_t tmpfs_upper_size;
    char *merged;          /* merged */
    int persistent;        /* persistent */
    uint64_t stop_grace_ms;      /* stop-grace-ms, default 10000 */
    uint64_t stream_timeout_ms;  /* stream-timeout-ms, default 10000 */
    struct cv_mount_op *mounts;  /* bind / tmpfs, in file order */
    size_t nmounts;
    char **cgroup_procs;         /* cgroup-procs */
    size_t ncgroup_procs;
    struct cv_cleanup_op *cleanup; /* cleanup-tree / cleanup-rmdir, in file order */
    size_t ncleanup;
};

/* Parse plan text (need not be NUL-terminated). name is used in error paths
 * ("<name>:<line>"). Returns 0, or -1 with f filled (step "plan"). */
int cv_plan_parse(const char *text, size_t len, const char *name, struct cv_plan *out,
                  struct cv_fail *f);

/* Read and parse a plan file. */
int cv_plan_load(const char *path, struct cv_plan *out, struct cv_fail *f);

void cv_plan_free(struct cv_plan *p);

#endif
