package dev.containerv.linux.network;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The host side's name of a container's veth pair: {@code cv} and the first 12 hex digits of the SHA-256 of the
 * container's state directory (its state root and id), 14 characters, within the kernel's 15. The state directory
 * is unique per host, so two containers of the same id under different state roots get different names; the name
 * is derived again from the state directory by the stale-state cleanup, so nothing records it.
 * <p>Two state directories whose hashes share 48 bits would collide: the create checks the host's links first and
 * refuses with {@code ALREADY_EXISTS} naming the link, and the kernel refuses a duplicate name atomically (EEXIST).
 */
public final class HostLinkName {
    /** What every host-side link of linux-ns starts with. */
    public static final String PREFIX = "cv";
    /** The kernel's limit for an interface name (IFNAMSIZ less its NUL). */
    public static final int MAX_LENGTH = 15;
    private static final int HEX_DIGITS = 12;

    private HostLinkName() {
    }

    /** The host-side name for the container whose state directory is {@code stateDir}. */
    public static String of(Path stateDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(stateDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
