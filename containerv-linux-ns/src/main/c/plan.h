/*
 * plan.h - the launch plan (plan version 2, docs/linux-helper-protocol.md section 2) as a
 * typed structure, and its parser. What the container's file system gets besides its root
 * (/proc, /sys, /dev and its nodes and links, binds, tmpfs) is a list of setup operations in
 * plan order, chosen by Java, as bubblewrap's setup operations are.
 *
 * Never: performs any of the plan's operations; it only parses and validates syntax.
 */
#ifndef CV_PLAN_H
#define CV_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "caps.h"
#include "landlock.h"
#include "report.h"
#include "seccomp.h"

enum {
    CV_NS_NET = 1u << 0,
    CV_NS_IPC = 1u << 1,
    CV_NS_CGROUP = 1u << 2,
};

enum cv_setup_kind {
    CV_SETUP_BIND = 1, /* bind <host-src> <dst> ro|rw */
    CV_SETUP_TMPFS,    /* tmpfs <dst> <size> <mode> */
    CV_SETUP_PROC,     /* proc <dst> */
    CV_SETUP_SYSFS,    /* sysfs <dst> */
    CV_SETUP_DEV,      /* dev <dst> */
    CV_SETUP_DEVICE,   /* device <dst> <major> <minor> */
    CV_SETUP_SYMLINK,  /* symlink <target> <dst> */
    CV_SETUP_DEVPTS,   /* devpts <dst> */
    CV_SETUP_MQUEUE,   /* mqueue <dst> */
    CV_SETUP_MASK,     /* mask <dst>: /dev/null over a file, an empty read-only tmpfs over a directory */
    CV_SETUP_READONLY, /* readonly <dst>: bound onto itself read-only, nosuid, nodev, noexec */
    CV_SETUP_DEV_BIND, /* dev-bind <host-src> <dst>: a host device node bound without nodev (rootless) */
    CV_SETUP_OVERLAY_DIR, /* overlay-dir <host-lower> <layer-dir> <dst>: an overlay of one host directory,
                             upper and work in <layer-dir>, userxattr (a rootless view of the host's root) */
    CV_SETUP_BIND_IDMAP, /* bind-idmap <host-src> <dst>: read-only recursive bind seen through the id maps */
};

/* uid-map / gid-map <inside> <outside> <count>: one line of /proc/<pid>/uid_map or gid_map. */
struct cv_id_range {
    uint32_t inside;
    uint32_t outside;
    uint32_t count;
};

/* The kernel's limit of lines in one uid_map or gid_map (since Linux 4.15). */
#define CV_MAX_ID_RANGES 340

struct cv_setup_op {
    enum cv_setup_kind kind;
    char *src;        /* bind: host source; symlink: link text */
    char *dst;        /* container path */
    char *aux;        /* overlay-dir: the layer directory holding upper/ and work/ */
    int readonly;     /* bind: 1 for "ro" */
    uint64_t size;    /* tmpfs: bytes, 0 = kernel default */
    unsigned mode;    /* tmpfs: permission bits */
    unsigned major, minor; /* device */
};

enum cv_cleanup_kind { CV_CLEANUP_TREE = 1, CV_CLEANUP_RMDIR = 2 };

struct cv_cleanup_op {
    enum cv_cleanup_kind kind;
    char *path;
};

/* veth <host-if> <host-address|-> <container-address> <prefix> <gateway|-> */
struct cv_veth {
    char *host_if;           /* host side's name; NULL when the plan has no veth */
    int has_host;
    struct in_addr host;     /* host side's address */
    struct in_addr container;
    unsigned prefix;
    int has_gateway;
    struct in_addr gateway;
};

struct cv_plan {
    char *id;              /* id */
    char *hostname;        /* hostname */
    unsigned namespaces;   /* namespaces: CV_NS_* */
    char *state_dir;       /* state-dir */
    char *control_socket;  /* control-socket */
    char *rootfs;          /* rootfs (overlay lower, the bottom one) */
    char **lowers;         /* lower: read-only layers over rootfs, in file order = top first */
    size_t nlowers;
    char *upper;           /* upper */
    char *work;            /* work */
    char *tmpfs_upper;     /* tmpfs-upper dir */
    uint64_t tmpfs_upper_size;
    char *merged;          /* merged */
    int overlay_userxattr; /* overlay-userxattr: the overlay keeps its xattrs in user.* (in a user namespace) */
    int overlay_volatile;  /* overlay-volatile: overlays with an upper on disk never sync it (no syncfs at umount) */
    int root_readonly;     /* root-readonly: the root is read-only; without tmpfs-upper it has no writable layer at
                              all (no upper, no work: rootfs alone, or an overlay of lowers only, mounted on merged) */
    int persistent;        /* persistent */
    uint64_t stop_grace_ms;      /* stop-grace-ms, default 10000 */
    uint64_t stream_timeout_ms;  /* stream-timeout-ms, default 10000 */
    char *default_path;          /* default-path: search path of a SPAWN whose env has no PATH */
    struct cv_setup_op *setup;   /* setup operations, in file order */
    size_t nsetup;
    char **cgroup_procs;         /* cgroup-procs */
    size_t ncgroup_procs;
    struct cv_cleanup_op *cleanup; /* cleanup-tree / cleanup-rmdir, in file order */
    size_t ncleanup;
    struct cv_veth veth;           /* veth (needs `namespaces net`) */
    /* Hardening of every container process (issue 12), applied by spawn.c. */
    int no_new_privs;            /* no-new-privs: every container process */
    int scope_abstract_unix;     /* landlock-scope abstract-unix: PID 1 and its children reach no
                                    * abstract Unix socket made outside the container */
    int has_caps;                /* caps */
    struct cv_caps caps;
    int has_seccomp;             /* any seccomp-default / seccomp / seccomp-log line */
    struct cv_sc_action seccomp_default; /* seccomp-default, default allow */
    struct cv_sc_rule *seccomp_rules;    /* seccomp, in file order */
    size_t nseccomp_rules;
    int seccomp_log;             /* seccomp-log */
    struct cv_landlock_rule *landlock; /* landlock ro|rw <path>, in file order */
    size_t nlandlock;
    /* User namespace (issue 14): with uid-map and gid-map lines the container gets its own. */
    struct cv_id_range *uid_map;  /* uid-map, in file order */
    size_t nuid_map;
    struct cv_id_range *gid_map;  /* gid-map, in file order */
    size_t ngid_map;
    int setgroups_deny;           /* setgroups deny (default allow) */
    int idmap_lower;              /* idmap-lower: the overlay's lower dir seen through the maps */
    int userns_self;              /* userns-self: rootless; the supervisor unshares the user namespace
                                     for itself and writes its own maps, before anything else */
    char *newuidmap;              /* newuidmap <path>: with userns-self, the maps (subordinate ids) are
                                     written by this tool and newgidmap's (subids.c), not by the helper */
    char *newgidmap;              /* newgidmap <path> */
};

/* 1 when the plan gives the container a user namespace (it has uid-map and gid-map lines). */
int cv_plan_has_userns(const struct cv_plan *p);

/* Parse plan text (need not be NUL-terminated). name is used in error paths
 * ("<name>:<line>"). Returns 0, or -1 with f filled (step "plan"). */
int cv_plan_parse(const char *text, size_t len, const char *name, struct cv_plan *out,
                  struct cv_fail *f);

/* Read and parse a plan file. */
int cv_plan_load(const char *path, struct cv_plan *out, struct cv_fail *f);

void cv_plan_free(struct cv_plan *p);

#endif
