/**
 * Home of cgroups (v2, and v1 where the host is hybrid or legacy): creating a container's cgroup, writing its
 * limits (memory, cpu, pids), reading its statistics, killing all of it, removing it. Nothing lives here yet: a
 * spec with limits is refused with {@code NOT_SUPPORTED} (see {@code spec}).
 * <p>Contract when it comes: Java creates the cgroup directory and writes every limit and reads every statistic,
 * built on a root path so tests use a scratch tree for v1 and v2; the helper only moves the init into it
 * ({@code cgroup-procs} in the plan, cgroup.c) between clone and "go", and removes it when the init is gone
 * ({@code cleanup-rmdir}).
 */
package dev.containerv.linux.cgroup;
