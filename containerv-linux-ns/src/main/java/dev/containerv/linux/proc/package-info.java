/**
 * The provider's only reader of {@code /proc}: start times (stale detection), pid namespaces, NSpid and the
 * init's children (host pids), tasks (processes, statistics), network counters, {@code ns_last_pid},
 * mountinfo, and files of a container read through its init's root. {@code ContainerStatsReader} turns them into
 * a container's statistics and process list.
 * <p>Contract: built on a root path, so tests use a fake tree; a process that vanishes while being read is
 * skipped, never an error. No other package opens a path under {@code /proc}.
 */
package dev.containerv.linux.proc;
