package dev.containerv.internal;

import dev.containerv.api.ContainerException;

/** IPv4 parsing without name resolution (InetAddress would resolve host names). */
public final class Ipv4 {
    private Ipv4() {
    }

    /** Parses a dotted-quad address into its 32-bit value; rejects anything else. */
    public static int parse(String field, String text) {
        Checks.text(field, text);
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw ContainerException.invalidSpec(field, text, "an IPv4 address in dotted-quad form, such as 10.0.0.2");
        }
        int value = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                throw ContainerException.invalidSpec(field, text,
                        "an IPv4 address in dotted-quad form, each part 0 to 255 without leading zeros");
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw ContainerException.invalidSpec(field, text, "an IPv4 address whose parts are 0 to 255");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    /** The dotted-quad text of a 32-bit address. */
    public static String format(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    /** Parses a prefix length "0".."32" or a contiguous dotted netmask; returns the prefix length. */
    public static int prefix(String field, String text) {
        Checks.text(field, text);
        if (!text.isEmpty() && text.length() <= 2 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int prefix = Integer.parseInt(text);
            if (prefix > 32) {
                throw ContainerException.invalidSpec(field, text, "a prefix length from 0 to 32 or a dotted netmask such as 255.255.255.0");
            }
            return prefix;
        }
        if (text.indexOf('.') < 0) {
            throw ContainerException.invalidSpec(field, text, "a prefix length from 0 to 32 or a dotted netmask such as 255.255.255.0");
        }
        int mask = parse(field, text);
        int prefix = Integer.bitCount(mask);
        int expected = prefix == 0 ? 0 : -1 << (32 - prefix);
        if (mask != expected) {
            throw ContainerException.invalidSpec(field, text, "a contiguous netmask (ones then zeros), such as 255.255.255.0");
        }
        return prefix;
    }
}
