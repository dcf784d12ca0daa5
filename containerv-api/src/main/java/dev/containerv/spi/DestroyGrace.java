package dev.containerv.spi;

import dev.containerv.api.Container;
import dev.containerv.api.ContainerException;

import java.time.Duration;

/**
 * The argument check of {@link Container#destroyWithGrace(Duration)}, written once for the API's default and every
 * provider: a grace must be given and must not be negative.
 */
public final class DestroyGrace {
    private DestroyGrace() {
    }

    /**
     * Returns {@code grace} if it is zero or more; otherwise throws {@code INVALID_SPEC} naming the field
     * {@code grace}, the value given and what is accepted: "{@code a duration of zero or more (zero: KILL at once)}".
     *
     * @param grace  the grace period the caller gave, may be {@code null}
     * @param atZero what a grace of zero does with this provider, for the message ("{@code KILL at once}")
     * @return {@code grace}
     * @throws ContainerException {@code INVALID_SPEC} if {@code grace} is {@code null} or negative
     */
    public static Duration check(Duration grace, String atZero) {
        if (grace == null || grace.isNegative()) {
            throw ContainerException.invalidSpec("grace", String.valueOf(grace), "a duration of zero or more (zero: " + atZero + ")");
        }
        return grace;
    }
}
