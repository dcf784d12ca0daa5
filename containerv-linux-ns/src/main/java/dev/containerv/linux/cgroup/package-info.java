/**
 * cgroups for Linux containers on v2 (unified), v1 (legacy) and hybrid hosts: layout detection, limits, one cgroup
 * per container, kill-all, removal, leftovers and stats. Pure Java on a root path and a {@link
 * dev.containerv.linux.cgroup.CgroupFiles} seam, so every part runs against a temp-dir tree in tests.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Layout</b> ({@link dev.containerv.linux.cgroup.CgroupLayout}): detected at run time from
 *       {@code /proc/self/mountinfo} (fs types {@code cgroup} and {@code cgroup2}; v1 controllers from the super
 *       options) and {@code /proc/self/cgroup} (this process's own cgroup per hierarchy). UNIFIED = only v2 carries
 *       controllers; HYBRID = v1 controllers plus a v2 tree (this CI machine: v1 cpu, cpuacct, cpuset, memory,
 *       devices, freezer, blkio, pids and name=systemd under {@code /sys/fs/cgroup/<name>}, a v2 tree at
 *       {@code /sys/fs/cgroup/unified} that offers only hugetlb); LEGACY = v1 only; NONE = nothing mounted.</li>
 *   <li><b>Where a controller lives</b> ({@link dev.containerv.linux.cgroup.CgroupManager#locate}): the v1
 *       hierarchy that carries it, else the v2 tree if its root's {@code cgroup.controllers} lists it. CPU time
 *       ({@code cpu.stat}) and freezing ({@code cgroup.freeze}) are in every v2 cgroup.</li>
 *   <li><b>One cgroup per container</b>: {@code <mount>/<parent>/<id>} with parent {@code containerv}, in each v1
 *       hierarchy of memory, cpu, cpuacct, pids, blkio and freezer that is mounted, and in the v2 tree whenever one
 *       is mounted (on a hybrid host it still gives {@code cgroup.kill}, {@code cgroup.events} and one list of every
 *       process). cpuset, devices and named hierarchies are never used. On v2 the controllers a limit needs are
 *       enabled in {@code cgroup.subtree_control} of every level from the mount's root down to the parent; a
 *       failure there is {@code NOT_SUPPORTED} naming the controller and the file. memory, cpu, pids and io are
 *       enabled for stats where available, and a failure to do so is only logged.</li>
 *   <li><b>Limits</b> ({@link dev.containerv.linux.cgroup.CgroupLimits}, {@link dev.containerv.linux.cgroup.LimitPlan}):
 *       memory ({@code memory.max} / {@code memory.limit_in_bytes}) with swap capped to nothing beyond it where
 *       the host accounts swap ({@code memory.swap.max 0} / {@code memory.memsw.limit_in_bytes} = the limit);
 *       CPU weight ({@code cpu.weight} / {@code cpu.shares} = weight × 1024 / 100, clamped to 2..262144); CPU cap
 *       from {@code cpuPercent} (of the whole host: period × hostCpus × percent / 100) and {@code cpuCount}
 *       (period × count), the smaller if both, period 100 ms ({@code cpu.max "quota period"} /
 *       {@code cpu.cfs_period_us} then {@code cpu.cfs_quota_us}); {@code pids.max}; block-I/O weight
 *       ({@code io.weight} or {@code io.bfq.weight} / {@code blkio.weight} or {@code blkio.bfq.weight}). A limit
 *       the host cannot apply (controller missing, file missing, hierarchy not writable) is
 *       {@code NOT_SUPPORTED} naming the setting, the controller and the file; nothing is dropped silently. Only
 *       the swap cap is skipped where its file is absent (the host then does not account swap). A failed create
 *       removes everything it made.</li>
 *   <li><b>Defaults</b>: {@link dev.containerv.api.ResourceLimits} has no way to ask for "the defaults" (unset means
 *       no limit); {@link dev.containerv.linux.cgroup.CgroupLimits#originalDefaults()} gives the original's
 *       (1G memory, CPU weight 100, 256 pids) for a caller that decides to apply them.</li>
 *   <li><b>Joining</b> ({@link dev.containerv.linux.cgroup.ContainerCgroup#procsFiles()}): the container's init
 *       writes its pid (or {@code 0}) into each listed {@code cgroup.procs} before it forks anything.</li>
 *   <li><b>Kill-all</b> ({@link dev.containerv.linux.cgroup.ContainerCgroup#killAll}): v2 {@code cgroup.kill} where
 *       present (Linux 5.14); else freeze (v1 {@code freezer.state}, v2 {@code cgroup.freeze}), SIGKILL every
 *       member, thaw; without a freezer, kill in rounds. Then wait until empty ({@code cgroup.events populated 0}
 *       on v2, an empty {@code cgroup.procs} otherwise), else {@code TIMEOUT} naming the pids left.</li>
 *   <li><b>Removal</b> ({@link dev.containerv.linux.cgroup.ContainerCgroup#remove()}): rmdir leaves first, in every
 *       hierarchy; gone is success; {@code EBUSY} retried for a second. The parent stays.</li>
 *   <li><b>Leftovers</b> ({@link dev.containerv.linux.cgroup.CgroupManager#leftovers},
 *       {@link dev.containerv.linux.cgroup.CgroupManager#removeLeftover}): ids under the parent in any hierarchy
 *       with no live container.</li>
 *   <li><b>Stats</b> ({@link dev.containerv.linux.cgroup.ContainerCgroup#sample()},
 *       {@link dev.containerv.linux.cgroup.CgroupSample}): memory current and peak, CPU time, block I/O bytes and
 *       ops, tasks alive; a file the host lacks reads as 0; CPU percent (of one CPU) from two samples.</li>
 * </ul>
 *
 * <h2>Delegation</h2>
 * As root on a host whose cgroups are not managed by anyone else, the parent sits at each hierarchy's root. Where
 * systemd manages the v2 tree, a cgroup at the root beside systemd's slices works but is not systemd's to know
 * about. A normal user works in the v2 subtree delegated to it ({@code Delegate=yes}, for example
 * {@code systemd-run --user --scope -p Delegate=yes ...}): {@link dev.containerv.linux.cgroup.CgroupManager#delegated}
 * uses only the v2 tree, only the controllers the subtree's {@code cgroup.controllers} lists, the parent
 * {@code <subtree>/containerv}, and writes nothing above the subtree; {@code rootless.DelegatedCgroups} first moves
 * the JVM into the leaf {@code <subtree>/jvm} (v2 forbids enabling controllers for children of a cgroup that has
 * processes of its own, EBUSY). A limit whose controller the subtree lacks is {@code NOT_SUPPORTED} naming the
 * field, the controller and the subtree. Without delegation, writes are refused (EACCES/EPERM/EROFS) and every
 * limit is {@code NOT_SUPPORTED} naming its file.
 *
 * <p>Wiring ({@link dev.containerv.linux.cgroup.HostCgroups}): the runtime detects the manager once, creates each
 * container's cgroup before its helper starts, and removes a dead container's cgroup by id; the plan's lines come
 * from {@code plan.CgroupSetup}; see "cgroups" in {@code docs/linux-provider.md}.
 */
package dev.containerv.linux.cgroup;
