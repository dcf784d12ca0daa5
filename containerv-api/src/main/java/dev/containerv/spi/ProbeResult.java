package dev.containerv.spi;

import java.util.Objects;

/**
 * A provider's answer to "can you make containers here?", with a reason a person can act on either way.
 *
 * @param available whether the provider works on this host
 * @param reason    what was found: for an unavailable provider the cause (missing file, errno, sysctl,
 *                  needed privilege) and what to do about it
 * @since 0.1
 */
public record ProbeResult(boolean available, String reason) {
    /** @throws NullPointerException if {@code reason} is null */
    public ProbeResult {
        Objects.requireNonNull(reason, "reason");
    }

    /** Available, with what was checked. */
    public static ProbeResult available(String detail) {
        return new ProbeResult(true, detail);
    }

    /** Not available, with the cause. */
    public static ProbeResult unavailable(String reason) {
        return new ProbeResult(false, reason);
    }
}
