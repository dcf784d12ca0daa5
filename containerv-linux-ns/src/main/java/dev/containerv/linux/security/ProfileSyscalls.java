package dev.containerv.linux.security;

import dev.containerv.api.PolicyProfile;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The allow-lists of the {@link PolicyProfile}s, written once with the names of both architectures
 * (x86_64 has {@code open}, {@code fork}, {@code stat}...; aarch64 only their {@code *at} and
 * {@code clone} forms): {@link #of} keeps the names the architecture has. Each profile contains the one
 * before it. {@code clone}, {@code unshare} and {@code personality} are allowed only with the arguments
 * {@link SeccompFilter} gives them (no namespace flags; the default personalities).
 */
final class ProfileSyscalls {
    /** What any program needs to start, read files, run other programs and exit. */
    static final List<String> MINIMAL = List.of(
            // programs and processes
            "execve", "execveat", "exit", "exit_group", "clone", "fork", "vfork", "wait4", "waitid",
            "kill", "tgkill", "tkill", "set_tid_address", "set_robust_list", "get_robust_list", "rseq",
            "arch_prctl", "prctl", "prlimit64", "getrlimit", "getrusage", "personality", "restart_syscall",
            "pidfd_open", "pidfd_send_signal",
            // memory
            "brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "mincore", "msync", "membarrier",
            // signals and time
            "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigpending",
            "rt_sigqueueinfo", "sigaltstack", "alarm", "pause", "nanosleep", "clock_nanosleep", "clock_gettime",
            "clock_getres", "gettimeofday", "time", "times", "getitimer", "setitimer", "timer_create", "timer_settime",
            "timer_gettime", "timer_getoverrun", "timer_delete",
            // synchronisation and scheduling
            "futex", "futex_waitv", "sched_yield", "sched_getaffinity", "sched_getparam", "sched_getscheduler",
            "sched_get_priority_max", "sched_get_priority_min", "getcpu", "getpriority",
            // identity
            "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getgroups", "getresuid",
            "getresgid", "getpgrp", "getpgid", "getsid", "capget", "uname", "sysinfo", "getrandom",
            // reading files
            "read", "readv", "pread64", "preadv", "preadv2", "write", "writev", "pwrite64", "pwritev", "pwritev2",
            "open", "openat", "openat2", "close", "close_range", "stat", "fstat", "lstat", "newfstatat", "statx",
            "statfs", "fstatfs", "access", "faccessat", "faccessat2", "readlink", "readlinkat", "getdents",
            "getdents64", "lseek", "fcntl", "ioctl", "dup", "dup2", "dup3", "pipe", "pipe2", "getcwd", "chdir",
            "fchdir", "umask", "fadvise64", "readahead", "flock", "getxattr", "lgetxattr", "fgetxattr", "listxattr",
            "llistxattr", "flistxattr",
            // waiting for descriptors
            "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
            "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2");

    /** MINIMAL plus what compilers and build tools need: files made and changed, users switched, local IPC. */
    static final List<String> BUILD_ADDS = List.of(
            "creat", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link",
            "linkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown",
            "fchownat", "utime", "utimes", "utimensat", "futimesat", "truncate", "ftruncate", "fallocate",
            "copy_file_range", "sendfile", "splice", "tee", "vmsplice", "memfd_create", "fsync", "fdatasync",
            "sync", "syncfs", "sync_file_range", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
            "lremovexattr", "fremovexattr", "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
            "mknodat", "mknod", "chroot", "unshare",
            "setpgid", "setsid", "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
            "setfsuid", "setfsgid", "capset", "setpriority", "sched_setaffinity", "setrlimit",
            "timerfd_create", "timerfd_settime", "timerfd_gettime", "signalfd", "signalfd4",
            "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semctl", "semtimedop", "msgget", "msgsnd",
            "msgrcv", "msgctl",
            // sockets that already exist or come in pairs: no socket() of its own (that is NETWORK)
            "socketpair", "sendmsg", "recvmsg", "sendto", "recvfrom", "shutdown", "getsockopt", "setsockopt",
            "getsockname", "getpeername");

    /** BUILD plus sockets: made, connected, bound, listening and accepting. */
    static final List<String> NETWORK_ADDS = List.of(
            "socket", "connect", "bind", "listen", "accept", "accept4", "sendmmsg", "recvmmsg");

    private ProfileSyscalls() {
    }

    /** The names of {@code profile} that {@code arch} has, in list order (CUSTOM: none). */
    static Set<String> of(PolicyProfile profile, Arch arch) {
        Set<String> names = new LinkedHashSet<>();
        if (profile != PolicyProfile.CUSTOM) {
            names.addAll(MINIMAL);
        }
        if (profile == PolicyProfile.BUILD || profile == PolicyProfile.NETWORK) {
            names.addAll(BUILD_ADDS);
        }
        if (profile == PolicyProfile.NETWORK) {
            names.addAll(NETWORK_ADDS);
        }
        names.removeIf(n -> !SyscallNames.known(arch, n));
        return names;
    }
}
