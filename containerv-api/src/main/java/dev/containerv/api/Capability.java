package dev.containerv.api;

/**
 * The isolation a container asks for, with the flag values of the original containerv C library.
 * UTS (the host name) is always isolated.
 */
public enum Capability {
    /**
     * A private network stack: its own interfaces, routes and ports. With it, the container has {@code lo} only (it
     * reaches nothing outside, and its 127.0.0.1 is its own) unless {@link ContainerSpec.Builder#network(NetworkSpec)}
     * gives it an address. Without it, the container shares the host's network: the same interfaces and ports, and
     * it reaches the services the host listens on, those on 127.0.0.1 included.
     */
    NETWORK(0x1),
    /** A private process tree: the container sees only its own processes. */
    PROCESS_CONTROL(0x2),
    /** Private System V IPC and POSIX message queues. */
    IPC(0x4),
    /** A private file-system view: the layered root, standard mounts, no host path reachable. */
    FILESYSTEM(0x8),
    /** A private cgroup view. */
    CGROUPS(0x10),
    /** A user namespace: container ids mapped to other host ids. */
    USERS(0x20);

    private final int flag;

    Capability(int flag) {
        this.flag = flag;
    }

    /** The original library's flag value. */
    public int flag() {
        return flag;
    }
}
