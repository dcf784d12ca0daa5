package dev.containerv.api;

/**
 * One process in a container.
 *
 * @param pid          the process id inside the container
 * @param hostPid      the process id on the host (0 where the platform does not tell it)
 * @param name         the program name
 * @param memoryBytes  resident memory
 * @param cpuTimeNanos CPU time used so far
 */
public record ProcessInfo(long pid, long hostPid, String name, long memoryBytes, long cpuTimeNanos) {
}
