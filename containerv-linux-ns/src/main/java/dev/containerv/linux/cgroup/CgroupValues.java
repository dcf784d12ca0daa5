package dev.containerv.linux.cgroup;

import java.util.OptionalLong;

/**
 * Parsing of the values in cgroup interface files, both versions. Every method takes the file's text and
 * names the file in its error, so a surprising kernel is reported, not misread.
 */
public final class CgroupValues {
    /**
     * The value v1 shows for "no memory limit": {@code LONG_MAX} rounded down to a 4 KiB page. Any value at or
     * above it means unlimited.
     */
    public static final long V1_UNLIMITED = 0x7FFF_FFFF_FFFF_F000L;

    private CgroupValues() {
    }

    /** A single number ({@code memory.current}, {@code pids.current}, {@code cpuacct.usage}). */
    public static long number(String file, String text) {
        String t = text.trim();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": expected a number, found '" + t + "'");
        }
    }

    /**
     * A limit: {@code max} (v2), {@code -1} ({@code cpu.cfs_quota_us}) or v1's page-rounded {@code LONG_MAX}
     * give empty; otherwise the number.
     */
    public static OptionalLong limit(String file, String text) {
        String t = text.trim();
        if (t.equals("max") || t.equals("-1")) {
            return OptionalLong.empty();
        }
        long v = number(file, t);
        return v >= V1_UNLIMITED ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /**
     * The value of {@code key} in a flat keyed file ({@code key value} lines: {@code cpu.stat},
     * {@code memory.stat}, {@code cgroup.events}), or empty if the key is absent.
     */
    public static OptionalLong keyed(String file, String text, String key) {
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(key)) {
                return OptionalLong.of(number(file + " " + key, f[1]));
            }
        }
        return OptionalLong.empty();
    }

    /**
     * CPU time in nanoseconds from v2 {@code cpu.stat}: {@code usage_usec} × 1000 (or {@code usage_nsec} where a
     * kernel offers it); 0 if neither is there.
     */
    public static long cpuStatNanos(String text) {
        OptionalLong ns = keyed("cpu.stat", text, "usage_nsec");
        if (ns.isPresent()) {
            return ns.getAsLong();
        }
        return keyed("cpu.stat", text, "usage_usec").orElse(0) * 1000;
    }

    /** Block I/O summed over devices from v2 {@code io.stat} ({@code MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=..}). */
    public static IoCounters ioStat(String text) {
        long rb = 0;
        long wb = 0;
        long ro = 0;
        long wo = 0;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String k = f[i].substring(0, eq);
                String v = f[i].substring(eq + 1);
                switch (k) {
                    case "rbytes" -> rb += number("io.stat rbytes", v);
                    case "wbytes" -> wb += number("io.stat wbytes", v);
                    case "rios" -> ro += number("io.stat rios", v);
                    case "wios" -> wo += number("io.stat wios", v);
                    default -> {
                        // dbytes, dios and cost.* are not reported
                    }
                }
            }
        }
        return new IoCounters(rb, wb, ro, wo);
    }

    /**
     * Block I/O summed over devices from v1 {@code blkio.throttle.io_service_bytes} and
     * {@code blkio.throttle.io_serviced} ({@code MAJ:MIN Read 4096} lines; the {@code Total} lines are skipped).
     */
    public static IoCounters blkio(String serviceBytes, String serviced) {
        long[] bytes = readWrite("blkio.throttle.io_service_bytes", serviceBytes);
        long[] ops = readWrite("blkio.throttle.io_serviced", serviced);
        return new IoCounters(bytes[0], bytes[1], ops[0], ops[1]);
    }

    private static long[] readWrite(String file, String text) {
        long[] rw = new long[2];
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3 || !f[0].contains(":")) {
                continue;
            }
            if (f[1].equals("Read")) {
                rw[0] += number(file + " Read", f[2]);
            } else if (f[1].equals("Write")) {
                rw[1] += number(file + " Write", f[2]);
            }
        }
        return rw;
    }

    /** Block I/O counters. */
    public record IoCounters(long readBytes, long writeBytes, long readOps, long writeOps) {
        /** All zero. */
        public static final IoCounters ZERO = new IoCounters(0, 0, 0, 0);
    }
}
