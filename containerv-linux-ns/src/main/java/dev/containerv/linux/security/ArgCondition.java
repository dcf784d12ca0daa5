package dev.containerv.linux.security;

import java.util.Locale;
import java.util.Objects;

/**
 * A condition on one argument of a system call: {@code arg op value}, or for {@link Op#MASKED_EQ}
 * {@code (arg & mask) == value}. Values are compared as unsigned 64-bit numbers.
 *
 * @param arg   the argument, 0 to 5
 * @param op    the comparison
 * @param value the value compared with
 * @param mask  for MASKED_EQ, the bits looked at; 0 otherwise
 */
public record ArgCondition(int arg, Op op, long value, long mask) {
    /** The comparisons libseccomp offers. */
    public enum Op { EQ, NE, LT, LE, GT, GE, MASKED_EQ }

    /** @throws IllegalArgumentException for an argument outside 0..5 or a masked value with bits outside the mask */
    public ArgCondition {
        Objects.requireNonNull(op, "op");
        if (arg < 0 || arg > 5) {
            throw new IllegalArgumentException("seccomp condition on argument " + arg + "; accepted: 0 to 5");
        }
        if (op == Op.MASKED_EQ ? (value & ~mask) != 0 : mask != 0) {
            throw new IllegalArgumentException("seccomp condition " + op + " value 0x" + Long.toHexString(value) + " mask 0x"
                    + Long.toHexString(mask) + "; accepted: MASKED_EQ with the value inside the mask, other ops without a mask");
        }
    }

    /** {@code (arg & mask) == value}. */
    public static ArgCondition maskedEq(int arg, long mask, long value) {
        return new ArgCondition(arg, Op.MASKED_EQ, value, mask);
    }

    /** {@code arg == value}. */
    public static ArgCondition eq(int arg, long value) {
        return new ArgCondition(arg, Op.EQ, value, 0);
    }

    /** The helper's text form: {@code 0:eq:0x0} or {@code 0:masked_eq:<mask>:<value>}, numbers in hex. */
    public String planText() {
        String head = arg + ":" + op.name().toLowerCase(Locale.ROOT) + ":";
        return op == Op.MASKED_EQ ? head + hex(mask) + ":" + hex(value) : head + hex(value);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
