package dev.containerv.images;

import dev.containerv.api.ContainerException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reference to an image in a registry, normalised as Docker does: {@code busybox} is
 * {@code docker.io/library/busybox:latest}; {@code 127.0.0.1:5000/app:1} names registry {@code 127.0.0.1:5000}.
 *
 * @param registry   host and optional port of the registry
 * @param repository the repository path ({@code library/busybox})
 * @param tag        the tag; empty when the reference has only a digest
 * @param digest     the manifest digest pinned by {@code @sha256:...}, or null
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
    /** The registry a reference without a host names, as Docker resolves it. */
    public static final String DEFAULT_REGISTRY = "docker.io";

    private static final Pattern REPOSITORY =
            Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9a-fA-F:]+](?::[0-9]{1,5})?");

    /** Validates each part. */
    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        tag = Objects.requireNonNullElse(tag, "");
        if (!REGISTRY.matcher(registry).matches()) {
            throw ContainerException.invalidSpec("image registry", registry, "a host name or address with an optional :port");
        }
        if (!REPOSITORY.matcher(repository).matches()) {
            throw ContainerException.invalidSpec("image repository", repository,
                    "lower-case path components of letters, digits and single separators . _ -");
        }
        if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
            throw ContainerException.invalidSpec("image tag", tag, "up to 128 of letters, digits, _ . - (not starting with . or -)");
        }
        if (tag.isEmpty() && digest == null) {
            throw ContainerException.invalidSpec("image reference", registry + "/" + repository, "a tag or a digest");
        }
    }

    /**
     * Parses {@code [registry/]repository[:tag][@sha256:hex]}; without tag or digest the tag is {@code latest}.
     *
     * @param text the reference
     * @return the normalised reference
     * @throws ContainerException INVALID_SPEC naming the reference and the accepted form
     */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw ContainerException.invalidSpec("image reference", text, "[registry/]repository[:tag][@sha256:digest]");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = "";
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = DEFAULT_REGISTRY;
        int first = rest.indexOf('/');
        if (first > 0) {
            String head = rest.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost") || head.startsWith("[")) {
                registry = head;
                rest = rest.substring(first + 1);
            }
        }
        if (registry.equals(DEFAULT_REGISTRY) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag.isEmpty() && digest == null) {
            tag = "latest";
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** @return the host part of the registry, without port or brackets */
    public String host() {
        if (registry.startsWith("[")) {
            return registry.substring(1, registry.indexOf(']'));
        }
        int colon = registry.indexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }

    /** @return true when the registry is on this machine's loopback ({@code localhost}, 127.0.0.0/8, ::1) */
    public boolean isLoopback() {
        String h = host();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    /** @return the tag or digest the manifest is fetched by (the digest when both are given) */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    /** @return the digest, if the reference pins one */
    public Optional<Digest> pinnedDigest() {
        return Optional.ofNullable(digest);
    }

    /** @return the canonical form, {@code registry/repository[:tag][@digest]} */
    @Override
    public String toString() {
        return registry + "/" + repository + (tag.isEmpty() ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
