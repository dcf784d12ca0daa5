package dev.containerv.internal;

import dev.containerv.api.ContainerException;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes such as {@code 512M}, {@code 1G}, {@code 4096} or {@code max}. */
public final class Sizes {
    /** What a size accepts, for error messages. */
    public static final String ACCEPTED =
            "a positive number of bytes with an optional suffix K, M, G or T (binary, optionally followed by 'i' and/or 'B'), or 'max'";
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([kmgt])(i?b)?|(b))?");

    private Sizes() {
    }

    /**
     * Parses a size.
     *
     * @return empty for {@code max} (no limit), else the number of bytes
     * @throws ContainerException {@code INVALID_SPEC} naming the field for bad syntax, zero or overflow
     */
    public static OptionalLong parse(String field, String text) {
        Checks.text(field, text);
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("max")) {
            return OptionalLong.empty();
        }
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw ContainerException.invalidSpec(field, text, ACCEPTED);
        }
        long value;
        try {
            value = Long.parseLong(m.group(1));
            if (m.group(2) != null) {
                int shift = switch (m.group(2).charAt(0)) {
                    case 'k' -> 10;
                    case 'm' -> 20;
                    case 'g' -> 30;
                    default -> 40;
                };
                if (value > (Long.MAX_VALUE >> shift)) {
                    throw new ArithmeticException("overflow");
                }
                value = value << shift;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw ContainerException.invalidSpec(field, text, ACCEPTED + ", at most " + Long.MAX_VALUE + " bytes");
        }
        if (value <= 0) {
            throw ContainerException.invalidSpec(field, text, ACCEPTED + "; zero is not a limit");
        }
        return OptionalLong.of(value);
    }
}
