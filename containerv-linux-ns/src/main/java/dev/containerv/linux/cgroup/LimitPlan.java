package dev.containerv.linux.cgroup;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which limit files to write, per layout, for a {@link CgroupLimits}. Pure: it only knows which version of
 * hierarchy each controller lives in; whether the files exist is checked when they are written.
 *
 * <table>
 *   <caption>limit files</caption>
 *   <tr><th>limit</th><th>v2</th><th>v1</th></tr>
 *   <tr><td>memory</td><td>{@code memory.max}, then {@code memory.swap.max = 0} if present</td>
 *       <td>{@code memory.limit_in_bytes}, then {@code memory.memsw.limit_in_bytes} (same value) if present</td></tr>
 *   <tr><td>CPU weight</td><td>{@code cpu.weight}</td><td>{@code cpu.shares} = {@link #shares(int)}</td></tr>
 *   <tr><td>CPU cap</td><td>{@code cpu.max = "quota period"}</td>
 *       <td>{@code cpu.cfs_period_us}, then {@code cpu.cfs_quota_us}</td></tr>
 *   <tr><td>processes</td><td>{@code pids.max}</td><td>{@code pids.max}</td></tr>
 *   <tr><td>block I/O weight</td><td>{@code io.weight = "default w"}, or BFQ's {@code io.bfq.weight}</td>
 *       <td>{@code blkio.weight} (CFQ), or BFQ's {@code blkio.bfq.weight}</td></tr>
 * </table>
 *
 * <p>The order within one controller matters and is kept: the memory limit before the memory+swap limit (v1
 * refuses a memsw limit below the memory limit), the period before the quota.
 */
public final class LimitPlan {
    private LimitPlan() {
    }

    /**
     * The writes for {@code limits}.
     *
     * @param versionOf  where each controller lives: 1 or 2, or empty if this host does not offer it
     * @param whyMissing words for a controller this host does not offer, naming the file that could not be
     *                   written: {@code (controller, file) -> "..."}
     * @throws ContainerException {@code NOT_SUPPORTED} for a limit whose controller this host does not offer
     */
    public static List<LimitWrite> plan(CgroupLimits limits, Function<Controller, Optional<Integer>> versionOf,
                                        Missing whyMissing) {
        List<LimitWrite> out = new ArrayList<>();
        if (limits.memoryMaxBytes().isPresent()) {
            String bytes = Long.toString(limits.memoryMaxBytes().getAsLong());
            int v = version(versionOf, whyMissing, Controller.MEMORY, "limits.memoryMax", "memory.max", "memory.limit_in_bytes");
            if (v == 2) {
                out.add(LimitWrite.of("limits.memoryMax", Controller.MEMORY, 2, "memory.max", bytes));
                out.add(new LimitWrite("limits.memoryMax (swap cap)", Controller.MEMORY, 2,
                        List.of(new LimitWrite.Choice("memory.swap.max", "0")), false));
            } else {
                out.add(LimitWrite.of("limits.memoryMax", Controller.MEMORY, 1, "memory.limit_in_bytes", bytes));
                out.add(new LimitWrite("limits.memoryMax (swap cap)", Controller.MEMORY, 1,
                        List.of(new LimitWrite.Choice("memory.memsw.limit_in_bytes", bytes)), false));
            }
        }
        if (limits.cpuWeight().isPresent()) {
            int w = limits.cpuWeight().getAsInt();
            int v = version(versionOf, whyMissing, Controller.CPU, "limits.cpuWeight", "cpu.weight", "cpu.shares");
            out.add(v == 2 ? LimitWrite.of("limits.cpuWeight", Controller.CPU, 2, "cpu.weight", Integer.toString(w))
                    : LimitWrite.of("limits.cpuWeight", Controller.CPU, 1, "cpu.shares", Long.toString(shares(w))));
        }
        if (limits.cpuQuotaMicros().isPresent()) {
            String setting = "limits.cpuPercent/cpuCount";
            long quota = limits.cpuQuotaMicros().getAsLong();
            long period = limits.cpuPeriodMicros();
            int v = version(versionOf, whyMissing, Controller.CPU, setting, "cpu.max", "cpu.cfs_quota_us");
            if (v == 2) {
                out.add(LimitWrite.of(setting, Controller.CPU, 2, "cpu.max", quota + " " + period));
            } else {
                out.add(LimitWrite.of(setting, Controller.CPU, 1, "cpu.cfs_period_us", Long.toString(period)));
                out.add(LimitWrite.of(setting, Controller.CPU, 1, "cpu.cfs_quota_us", Long.toString(quota)));
            }
        }
        if (limits.pidsMax().isPresent()) {
            int v = version(versionOf, whyMissing, Controller.PIDS, "limits.pidsMax", "pids.max", "pids.max");
            out.add(LimitWrite.of("limits.pidsMax", Controller.PIDS, v, "pids.max", Long.toString(limits.pidsMax().getAsLong())));
        }
        if (limits.ioWeight().isPresent()) {
            int w = limits.ioWeight().getAsInt();
            int v = version(versionOf, whyMissing, Controller.IO, "ioWeight", "io.weight", "blkio.weight");
            int bfq = Math.min(1000, w);
            out.add(v == 2
                    ? new LimitWrite("ioWeight", Controller.IO, 2, List.of(new LimitWrite.Choice("io.weight", "default " + w),
                    new LimitWrite.Choice("io.bfq.weight", "default " + bfq)), true)
                    : new LimitWrite("ioWeight", Controller.IO, 1, List.of(new LimitWrite.Choice("blkio.weight", Integer.toString(Math.max(10, bfq))),
                    new LimitWrite.Choice("blkio.bfq.weight", Integer.toString(bfq))), true));
        }
        return out;
    }

    /**
     * v1 {@code cpu.shares} for a v2 weight: {@code weight × 1024 / 100}, clamped to 2..262144. It keeps the
     * defaults equal (weight 100 = 1024 shares) and the ratios between containers, as systemd converts
     * {@code CPUWeight=} on v1 hosts. (The linear map of range onto range that some runtimes use sends the
     * default weight 100 to about 2597 shares, which would favour containers over the host's other cgroups.)
     */
    public static long shares(int weight) {
        long s = (long) weight * 1024 / 100;
        return Math.max(2, Math.min(262_144, s));
    }

    private static int version(Function<Controller, Optional<Integer>> versionOf, Missing whyMissing, Controller c, String setting,
                               String v2File, String v1File) {
        Optional<Integer> v = versionOf.apply(c);
        if (v.isEmpty()) {
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, setting + ": " + whyMissing.describe(c, v2File, v1File));
        }
        return v.get();
    }

    /** Describes why a controller is missing, naming the file that cannot be written. */
    @FunctionalInterface
    public interface Missing {
        /**
         * @param controller the controller this host does not offer
         * @param v2File     the file a v2 host would have been written
         * @param v1File     the file a v1 host would have been written
         */
        String describe(Controller controller, String v2File, String v1File);
    }
}
