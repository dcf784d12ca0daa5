package dev.containerv.images;

import dev.containerv.api.ContainerException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest as OCI writes it, {@code sha256:<64 hex digits>}. Only SHA-256 is accepted: it is what every
 * registry and tool produces, and accepting an algorithm we cannot verify would defeat verification.
 *
 * @param hex the 64 lower-case hex digits
 */
public record Digest(String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /** Validates the hex digits. */
    public Digest {
        Objects.requireNonNull(hex, "hex");
        if (!HEX.matcher(hex).matches()) {
            throw ContainerException.invalidSpec("digest", hex, "64 lower-case hex digits of a SHA-256");
        }
    }

    /**
     * Parses {@code sha256:<hex>}.
     *
     * @param text the digest text
     * @return the digest
     * @throws ContainerException INVALID_SPEC naming the text when it is not a SHA-256 digest
     */
    public static Digest parse(String text) {
        if (text == null || !text.startsWith("sha256:")) {
            throw ContainerException.invalidSpec("digest", text, "sha256:<64 lower-case hex digits>");
        }
        return new Digest(text.substring("sha256:".length()));
    }

    /**
     * The digest of finished SHA-256 state.
     *
     * @param sha256 a SHA-256 {@link MessageDigest} that has seen all the content
     * @return its digest
     */
    public static Digest of(MessageDigest sha256) {
        return new Digest(HexFormat.of().formatHex(sha256.digest()));
    }

    /**
     * The digest of some bytes.
     *
     * @param content the bytes
     * @return their SHA-256 digest
     */
    public static Digest of(byte[] content) {
        MessageDigest md = newSha256();
        md.update(content);
        return of(md);
    }

    /** @return a fresh SHA-256 message digest */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** @return {@code sha256:<hex>} */
    @Override
    public String toString() {
        return "sha256:" + hex;
    }

    /** @return the first 12 hex digits, as image tools show a layer */
    public String shortHex() {
        return hex.substring(0, 12);
    }
}
