package dev.containerv.api;

/**
 * Maps {@code count} ids starting at {@code containerStart} inside the container to ids starting at
 * {@code hostStart} on the host (the kernel's {@code uid_map} order: inside, outside, count).
 *
 * @param containerStart first id inside the container, 0 or more
 * @param hostStart      first id on the host, 0 or more
 * @param count          how many ids, 1 or more; neither range may pass 2^32 - 1
 */
public record IdMapping(long containerStart, long hostStart, long count) {
    private static final long ID_LIMIT = 0xFFFF_FFFFL;

    /** @throws ContainerException {@code INVALID_SPEC} for negative starts, a count below 1, or a range past 2^32 - 1 */
    public IdMapping {
        if (containerStart < 0 || containerStart >= ID_LIMIT) {
            throw ContainerException.invalidSpec("idMapping.containerStart", containerStart, "an id from 0 to " + (ID_LIMIT - 1));
        }
        if (hostStart < 0 || hostStart >= ID_LIMIT) {
            throw ContainerException.invalidSpec("idMapping.hostStart", hostStart, "an id from 0 to " + (ID_LIMIT - 1));
        }
        if (count < 1) {
            throw ContainerException.invalidSpec("idMapping.count", count, "a count of 1 or more");
        }
        if (count > ID_LIMIT - containerStart || count > ID_LIMIT - hostStart) { // no sum: it could overflow
            throw ContainerException.invalidSpec("idMapping.count", count,
                    "a count that keeps both ranges below " + ID_LIMIT + " (container start " + containerStart + ", host start " + hostStart + ")");
        }
    }

    /** {@code true} if the container-side or host-side ranges of the two mappings share an id. */
    public boolean overlaps(IdMapping other) {
        return intersects(containerStart, other.containerStart, count, other.count)
                || intersects(hostStart, other.hostStart, count, other.count);
    }

    private static boolean intersects(long a, long b, long na, long nb) {
        return a < b + nb && b < a + na;
    }
}
