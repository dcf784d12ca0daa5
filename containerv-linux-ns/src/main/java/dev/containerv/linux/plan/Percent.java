package dev.containerv.linux.plan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The percent-encoding of the helper's plan and status lines (docs/linux-helper-protocol.md 2.1 and
 * 3.1): {@code %}, space, bytes below 0x20 and bytes 0x7f and above are written {@code %XX}; on
 * status lines a field that is exactly {@code -} means empty.
 */
public final class Percent {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Percent() {
    }

    /** Encodes a string's UTF-8 bytes. */
    public static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int v = b & 0xff;
            if (v == '%' || v == ' ' || v < 0x20 || v >= 0x7f) {
                sb.append('%').append(HEX[v >> 4]).append(HEX[v & 0xf]);
            } else {
                sb.append((char) v);
            }
        }
        return sb.toString();
    }

    /** Encodes a status-line field: empty becomes {@code -}, a literal {@code -} becomes {@code %2D}. */
    public static String encodeField(String value) {
        if (value.isEmpty()) {
            return "-";
        }
        if (value.equals("-")) {
            return "%2D";
        }
        return encode(value);
    }

    /**
     * Decodes percent escapes into a UTF-8 string.
     *
     * @throws IllegalArgumentException for a {@code %} not followed by two hex digits, or {@code %00}
     */
    public static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        byte[] in = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '%') {
                out.write(in[i]);
                continue;
            }
            if (i + 2 >= in.length) {
                throw new IllegalArgumentException("truncated percent escape in '" + value + "'");
            }
            int hi = Character.digit(in[i + 1], 16);
            int lo = Character.digit(in[i + 2], 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("bad percent escape in '" + value + "'");
            }
            int b = hi << 4 | lo;
            if (b == 0) {
                throw new IllegalArgumentException("%00 in '" + value + "'");
            }
            out.write(b);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Decodes a status-line field: {@code -} is empty. */
    public static String decodeField(String field) {
        return field.equals("-") ? "" : decode(field);
    }
}
