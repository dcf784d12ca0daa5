package dev.containerv.linux.cgroup;

import dev.containerv.api.ResourceLimits;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The limits to put on one container's cgroup, in cgroup terms: what {@link ResourceLimits} asks for, with the
 * CPU cap turned into a bandwidth quota per period.
 *
 * <p>CPU quota: {@code cpuPercent} is a percentage of the whole host, so its quota is
 * {@code period × hostCpus × percent / 100}; {@code cpuCount} is that many CPUs' worth of time, so its quota
 * is {@code period × count}. With both, the smaller quota applies. The quota is never below 1000 µs, the
 * kernel's minimum.
 *
 * @param memoryMaxBytes memory limit in bytes; where the host accounts swap, swap is capped so that memory plus
 *                       swap stays within this limit (v2 {@code memory.swap.max} 0, v1 {@code memsw} equal to it)
 * @param cpuWeight      relative CPU weight in v2 units, 1 to 10000 (100 is the kernel default)
 * @param cpuQuotaMicros CPU time per {@link #cpuPeriodMicros} in microseconds
 * @param cpuPeriodMicros the bandwidth period, {@value #CPU_PERIOD_MICROS} µs (the kernel default)
 * @param pidsMax        most processes (tasks) at once
 * @param ioWeight       relative block-I/O weight in v2 units, 1 to 10000; {@link ResourceLimits} has no field for
 *                       it yet, so only callers that build {@code CgroupLimits} directly set it
 */
public record CgroupLimits(OptionalLong memoryMaxBytes, OptionalInt cpuWeight, OptionalLong cpuQuotaMicros, long cpuPeriodMicros,
                           OptionalLong pidsMax, OptionalInt ioWeight) {
    /** The bandwidth period used for every CPU cap, in microseconds. */
    public static final long CPU_PERIOD_MICROS = 100_000;
    /** The smallest quota the kernel accepts, in microseconds. */
    public static final long MIN_QUOTA_MICROS = 1_000;

    /** No limits. */
    public static final CgroupLimits NONE = new CgroupLimits(OptionalLong.empty(), OptionalInt.empty(), OptionalLong.empty(),
            CPU_PERIOD_MICROS, OptionalLong.empty(), OptionalInt.empty());

    public CgroupLimits {
        if (cpuPeriodMicros < MIN_QUOTA_MICROS || cpuPeriodMicros > 1_000_000) {
            throw new IllegalArgumentException("cpuPeriodMicros must be 1000 to 1000000, not " + cpuPeriodMicros);
        }
        check("memoryMaxBytes", memoryMaxBytes, 1, Long.MAX_VALUE);
        check("cpuWeight", cpuWeight, 1, 10_000);
        check("cpuQuotaMicros", cpuQuotaMicros, MIN_QUOTA_MICROS, Long.MAX_VALUE);
        check("pidsMax", pidsMax, 1, Long.MAX_VALUE);
        check("ioWeight", ioWeight, 1, 10_000);
    }

    private static void check(String field, OptionalLong v, long min, long max) {
        if (v.isPresent() && (v.getAsLong() < min || v.getAsLong() > max)) {
            throw new IllegalArgumentException(field + " must be " + min + " to " + max + ", not " + v.getAsLong());
        }
    }

    private static void check(String field, OptionalInt v, int min, int max) {
        if (v.isPresent()) {
            check(field, OptionalLong.of(v.getAsInt()), min, max);
        }
    }

    /**
     * The cgroup limits for {@code limits}.
     *
     * @param hostCpus the CPUs a {@code cpuPercent} is a percentage of (the JVM's
     *                 {@code Runtime.availableProcessors()} on the real host)
     */
    public static CgroupLimits of(ResourceLimits limits, int hostCpus) {
        if (hostCpus < 1) {
            throw new IllegalArgumentException("hostCpus must be 1 or more, not " + hostCpus);
        }
        OptionalLong quota = OptionalLong.empty();
        if (limits.cpuPercent().isPresent()) {
            quota = OptionalLong.of(CPU_PERIOD_MICROS * hostCpus * limits.cpuPercent().getAsInt() / 100);
        }
        if (limits.cpuCount().isPresent()) {
            long byCount = CPU_PERIOD_MICROS * limits.cpuCount().getAsInt();
            quota = OptionalLong.of(quota.isPresent() ? Math.min(quota.getAsLong(), byCount) : byCount);
        }
        if (quota.isPresent()) {
            quota = OptionalLong.of(Math.max(MIN_QUOTA_MICROS, quota.getAsLong()));
        }
        return new CgroupLimits(limits.memoryMaxBytes(), limits.cpuWeight(), quota, CPU_PERIOD_MICROS, limits.pidsMax(), OptionalInt.empty());
    }

    /**
     * The original library's defaults, for a container that asks for cgroups without naming limits: 1G of memory,
     * CPU weight 100 and 256 processes. {@link ResourceLimits} has no way to ask for "the defaults" (an unset
     * value means no limit), so the caller decides when these apply.
     */
    public static ResourceLimits originalDefaults() {
        return ResourceLimits.builder().memoryMax("1G").cpuWeight(100).pidsMax(256).build();
    }

    /** A copy with this block-I/O weight. */
    public CgroupLimits withIoWeight(int weight) {
        return new CgroupLimits(memoryMaxBytes, cpuWeight, cpuQuotaMicros, cpuPeriodMicros, pidsMax, OptionalInt.of(weight));
    }

    /** {@code true} if no limit is set. */
    public boolean isEmpty() {
        return memoryMaxBytes.isEmpty() && cpuWeight.isEmpty() && cpuQuotaMicros.isEmpty() && pidsMax.isEmpty() && ioWeight.isEmpty();
    }
}
