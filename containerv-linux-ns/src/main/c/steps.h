/*
 * steps.h - the one table of failure steps: every `<step>` the helper can report (status
 * line, ERROR frame, copy result) is a row here, and nowhere else is a step written. A
 * failure is recorded with an enum value, so a step missing from this table does not
 * compile; `containerv-helper steps` prints the table, and the Java side checks that it
 * has wording for every row and no wording without a row (HelperFailureTest).
 *
 * Never: says what a step means to a user (Java does), or holds a step nothing reports.
 */
#ifndef CV_STEPS_H
#define CV_STEPS_H

/* X(identifier, "wire name"), grouped by who reports it. */
#define CV_STEP_TABLE(X)                                                                      \
    /* command line and plan */                                                               \
    X(USAGE, "usage")                                                                         \
    X(PLAN, "plan")                                                                           \
    /* supervisor (ns.c, cgroup.c, supervisor.c) */                                           \
    X(SETUP, "setup")                                                                         \
    X(CLONE, "clone")                                                                         \
    X(CGROUP_PROCS, "cgroup-procs")                                                           \
    X(SYNC, "sync")                                                                           \
    X(VETH, "veth")                                                                           \
    X(VETH_HOST, "veth-host")                                                                 \
    X(VETH_CONTAINER, "veth-container")                                                       \
    X(ROUTE, "route")                                                                         \
    X(USER_NAMESPACE, "user-namespace")                                                       \
    /* init setup (init.c, mount*.c, net.c) */                                                \
    X(MOUNT_PRIVATE, "mount-private")                                                         \
    X(CONTROL_SOCKET, "control-socket")                                                       \
    X(TMPFS_UPPER, "tmpfs-upper")                                                             \
    X(OVERLAY, "overlay")                                                                     \
    X(ROOT_READONLY, "root-readonly")                                                         \
    X(BIND, "bind")                                                                           \
    X(BIND_REMOUNT_RO, "bind-remount-ro")                                                     \
    X(TMPFS, "tmpfs")                                                                         \
    X(MOUNTPOINT, "mountpoint")                                                               \
    X(PROC, "proc")                                                                           \
    X(SYS, "sys")                                                                             \
    X(DEV, "dev")                                                                             \
    X(MKNOD, "mknod")                                                                         \
    X(DEVPTS, "devpts")                                                                       \
    X(SYMLINK, "symlink")                                                                     \
    X(MQUEUE, "mqueue")                                                                       \
    X(MASK, "mask")                                                                           \
    X(READONLY_PATH, "readonly-path")                                                         \
    X(PIVOT_ROOT, "pivot-root")                                                               \
    X(UMOUNT_OLD_ROOT, "umount-old-root")                                                     \
    X(CHDIR, "chdir")                                                                         \
    X(HOSTNAME, "hostname")                                                                   \
    X(UNSHARE_CGROUP, "unshare-cgroup")                                                       \
    X(LO_UP, "lo-up")                                                                         \
    X(SIGNALS, "signals")                                                                     \
    X(EVENT_LOOP, "event-loop")                                                               \
    X(IDMAP, "idmap")                                                                         \
    X(ENTER_USERNS, "enter-userns")                                                           \
    /* spawned child, between fork and exec (spawn.c) */                                      \
    X(SETSID, "setsid")                                                                       \
    X(STDIO, "stdio")                                                                         \
    X(RLIMIT, "rlimit")                                                                       \
    X(SETGROUPS, "setgroups")                                                                 \
    X(SETGID, "setgid")                                                                       \
    X(SETUID, "setuid")                                                                       \
    X(CAPS, "caps")                                                                           \
    X(NO_NEW_PRIVS, "no-new-privs")                                                           \
    X(LANDLOCK, "landlock")                                                                   \
    X(SECCOMP, "seccomp")                                                                     \
    X(EXEC, "exec")                                                                           \
    /* control requests answered by the init (pid1_requests.c, pid1_procs.c, passwd.c) */    \
    X(USER, "user")                                                                           \
    X(GROUP, "group")                                                                         \
    X(STREAM_ATTACH, "stream-attach")                                                         \
    X(FORK, "fork")                                                                           \
    X(SHUTDOWN, "shutdown")                                                                   \
    X(PROTOCOL, "protocol")                                                                   \
    X(HELLO, "hello")                                                                         \
    X(KILL, "kill")                                                                           \
    X(WAIT, "wait")                                                                           \
    /* copy mode (copy.c) */                                                                  \
    X(TARGET, "target")                                                                       \
    X(HOST_OPEN, "host-open")                                                                 \
    X(SETNS, "setns")                                                                         \
    X(CHROOT, "chroot")                                                                       \
    X(CONTAINER_OPEN, "container-open")                                                       \
    X(OPEN, "open")                                                                           \
    X(MKDIR, "mkdir")                                                                         \
    X(READDIR, "readdir")                                                                     \
    X(READ, "read")                                                                           \
    X(WRITE, "write")                                                                         \
    X(COPY, "copy")                                                                           \
    X(READLINK, "readlink")                                                                   \
    X(UNLINK, "unlink")                                                                       \
    X(CHOWN, "chown")                                                                         \
    X(CHMOD, "chmod")                                                                         \
    X(UTIMES, "utimes")                                                                       \
    X(STAT, "stat")                                                                           \
    X(DEPTH, "depth")                                                                         \
    /* PID 1 itself */                                                                        \
    X(DUMPABLE, "dumpable")

#define CV_STEP_ENUM_(id, name) CV_STEP_##id,
enum cv_step { CV_STEP_TABLE(CV_STEP_ENUM_) CV_STEP_COUNT };
#undef CV_STEP_ENUM_

/* The wire name of a step ("bind-remount-ro"); "protocol" for a value outside the table. */
const char *cv_step_name(enum cv_step step);

#endif
