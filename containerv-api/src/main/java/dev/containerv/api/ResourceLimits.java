package dev.containerv.api;

import dev.containerv.internal.Checks;
import dev.containerv.internal.Sizes;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Memory, CPU and process-count limits. Unset values mean "no limit".
 *
 * <pre>{@code
 * ResourceLimits.builder().memoryMax("1G").cpuWeight(100).pidsMax(256).build();
 * }</pre>
 */
public final class ResourceLimits {
    private final Long memoryMaxBytes;
    private final Integer cpuWeight;
    private final Integer cpuPercent;
    private final Integer cpuCount;
    private final Long pidsMax;

    private ResourceLimits(Builder b) {
        this.memoryMaxBytes = b.memoryMaxBytes;
        this.cpuWeight = b.cpuWeight;
        this.cpuPercent = b.cpuPercent;
        this.cpuCount = b.cpuCount;
        this.pidsMax = b.pidsMax;
    }

    /** A builder with no limit set. */
    public static Builder builder() {
        return new Builder();
    }

    /** No limits at all. */
    public static ResourceLimits none() {
        return new Builder().build();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.memoryMaxBytes = memoryMaxBytes;
        b.cpuWeight = cpuWeight;
        b.cpuPercent = cpuPercent;
        b.cpuCount = cpuCount;
        b.pidsMax = pidsMax;
        return b;
    }

    /** The memory limit in bytes; empty for none. */
    public OptionalLong memoryMaxBytes() {
        return memoryMaxBytes == null ? OptionalLong.empty() : OptionalLong.of(memoryMaxBytes);
    }

    /** The relative CPU weight, 1 to 10000; empty for none. */
    public OptionalInt cpuWeight() {
        return cpuWeight == null ? OptionalInt.empty() : OptionalInt.of(cpuWeight);
    }

    /** The hard CPU cap as a percentage of the whole host, 1 to 100; empty for none. */
    public OptionalInt cpuPercent() {
        return cpuPercent == null ? OptionalInt.empty() : OptionalInt.of(cpuPercent);
    }

    /** The number of CPUs; empty for none. */
    public OptionalInt cpuCount() {
        return cpuCount == null ? OptionalInt.empty() : OptionalInt.of(cpuCount);
    }

    /** The maximum number of processes; empty for none. */
    public OptionalLong pidsMax() {
        return pidsMax == null ? OptionalLong.empty() : OptionalLong.of(pidsMax);
    }

    /** {@code true} if no limit is set. */
    public boolean isEmpty() {
        return memoryMaxBytes == null && cpuWeight == null && cpuPercent == null && cpuCount == null && pidsMax == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceLimits r && Objects.equals(memoryMaxBytes, r.memoryMaxBytes) && Objects.equals(cpuWeight, r.cpuWeight)
                && Objects.equals(cpuPercent, r.cpuPercent) && Objects.equals(cpuCount, r.cpuCount) && Objects.equals(pidsMax, r.pidsMax);
    }

    @Override
    public int hashCode() {
        return Objects.hash(memoryMaxBytes, cpuWeight, cpuPercent, cpuCount, pidsMax);
    }

    @Override
    public String toString() {
        return "ResourceLimits[memoryMax=" + memoryMaxBytes + ", cpuWeight=" + cpuWeight + ", cpuPercent=" + cpuPercent
                + ", cpuCount=" + cpuCount + ", pidsMax=" + pidsMax + "]";
    }

    /** Builds {@link ResourceLimits}. Not thread-safe. */
    public static final class Builder {
        private Long memoryMaxBytes;
        private Integer cpuWeight;
        private Integer cpuPercent;
        private Integer cpuCount;
        private Long pidsMax;

        private Builder() {
        }

        /** Memory limit: {@code 512M}, {@code 1G}, plain bytes, or {@code max} (no limit, the default). */
        public Builder memoryMax(String size) {
            OptionalLong bytes = Sizes.parse("limits.memoryMax", size);
            this.memoryMaxBytes = bytes.isPresent() ? bytes.getAsLong() : null;
            return this;
        }

        /** Relative CPU share, 1 to 10000 (100 is the usual default). */
        public Builder cpuWeight(int weight) {
            this.cpuWeight = Checks.range("limits.cpuWeight", weight, 1, 10000);
            return this;
        }

        /** Hard CPU cap as a percentage of the whole host, 1 to 100. */
        public Builder cpuPercent(int percent) {
            this.cpuPercent = Checks.range("limits.cpuPercent", percent, 1, 100);
            return this;
        }

        /** Number of CPUs, 1 to 1024. */
        public Builder cpuCount(int count) {
            this.cpuCount = Checks.range("limits.cpuCount", count, 1, 1024);
            return this;
        }

        /** Most processes at once, 1 or more. */
        public Builder pidsMax(long max) {
            if (max < 1) {
                throw ContainerException.invalidSpec("limits.pidsMax", max, "a count of 1 or more, or 'max'");
            }
            this.pidsMax = max;
            return this;
        }

        /** Most processes at once: a count of 1 or more, or {@code max} (no limit, the default). */
        public Builder pidsMax(String max) {
            Checks.text("limits.pidsMax", max);
            if (max.trim().equalsIgnoreCase("max")) {
                this.pidsMax = null;
                return this;
            }
            try {
                return pidsMax(Long.parseLong(max.trim()));
            } catch (NumberFormatException e) {
                throw ContainerException.invalidSpec("limits.pidsMax", max, "a count of 1 or more, or 'max'");
            }
        }

        /** The limits; each setter validated its value already. */
        public ResourceLimits build() {
            return new ResourceLimits(this);
        }
    }
}
