package dev.containerv.images.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import dev.containerv.images.Digest;
import dev.containerv.images.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry speaking the OCI distribution API, through {@link RegistryHttp} (the JDK's HttpURLConnection). Auth follows the
 * {@code WWW-Authenticate} challenge of a 401: {@code Bearer} fetches a pull token from the realm (anonymously, or
 * with basic credentials from a Docker {@code config.json}), {@code Basic} sends those credentials.
 */
public final class RegistrySource implements ImageSource {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private final ImageReference ref;
    private final String base;
    private final Path dockerConfig;
    private final RegistryHttp http;
    /** The header every request sends once a challenge was answered; layers stream on several threads. */
    private volatile String authorization;

    /**
     * @param ref          the image
     * @param plainHttp    true to speak plain HTTP (loopback registries, or asked explicitly)
     * @param dockerConfig a Docker config.json with credentials, or null
     * @param timeout      how long connecting, and each read, may take
     */
    public RegistrySource(ImageReference ref, boolean plainHttp, Path dockerConfig, Duration timeout) {
        this.ref = ref;
        String host = ref.registry().equals(ImageReference.DEFAULT_REGISTRY) ? "registry-1.docker.io" : ref.registry();
        this.base = (plainHttp ? "http://" : "https://") + host + "/v2/" + ref.repository();
        this.dockerConfig = dockerConfig;
        this.http = new RegistryHttp(timeout);
    }

    @Override
    public ResolvedImage resolve() throws IOException {
        String what = ref.toString();
        RegistryHttp.Response r = get(base + "/manifests/" + ref.manifestReference(), true, what + " manifest");
        Descriptor top;
        byte[] bytes;
        try (InputStream in = r.body()) {
            bytes = in.readNBytes((int) Manifests.MAX_JSON + 1);
        }
        if (bytes.length > Manifests.MAX_JSON) {
            throw new ContainerException(ErrorKind.RESOURCE_LIMIT, what + ": manifest larger than " + Manifests.MAX_JSON);
        }
        Digest actual = Digest.of(bytes);
        Optional<String> stated = r.header("Docker-Content-Digest");
        Digest expected = ref.pinnedDigest().orElse(stated.map(Digest::parse).orElse(actual));
        if (!expected.equals(actual)) {
            throw new VerifyingInputStream.BlobMismatchException(what + " manifest: content has digest " + actual
                    + ", expected " + expected);
        }
        top = new Descriptor(r.header("Content-Type").orElse(""), actual, bytes.length);
        return Manifests.resolve(bytes, top.digest(), (d, manifest) ->
                get(base + (manifest ? "/manifests/" : "/blobs/") + d.digest(), manifest,
                        what + (manifest ? " manifest " : " blob ") + d.digest()).body(), what);
    }

    private RegistryHttp.Response get(String url, boolean manifest, String what) throws IOException {
        RegistryHttp.Response r = send(url, manifest);
        if (r.status() == 401) {
            String challenge = r.header("WWW-Authenticate").orElse("");
            r.discard();
            authorization = authorize(challenge, what);
            r = send(url, manifest);
        }
        int code = r.status();
        if (code == 200) {
            return r;
        }
        String body;
        try (InputStream in = r.body()) {
            body = new String(in.readNBytes(512), StandardCharsets.UTF_8).strip();
        }
        ErrorKind kind = code == 404 ? ErrorKind.NOT_FOUND
                : code == 401 || code == 403 ? ErrorKind.PERMISSION_DENIED : ErrorKind.PLATFORM_FAILURE;
        throw new ContainerException(kind, what + ": GET " + url + " answered HTTP " + code + (body.isEmpty() ? "" : ": " + body));
    }

    private RegistryHttp.Response send(String url, boolean manifest) throws IOException {
        return http.get(url, manifest ? String.join(", ", Manifests.MANIFEST_TYPES) : null, authorization);
    }

    /** Answers a challenge: the Authorization header value to retry with. */
    private String authorize(String challenge, String what) throws IOException {
        Optional<String> basic = credentials();
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return basic.map(c -> "Basic " + c).orElseThrow(() -> new ContainerException(ErrorKind.PERMISSION_DENIED,
                    what + ": the registry asks for credentials and " + dockerConfig + " has none for " + ref.registry()));
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            throw new ContainerException(ErrorKind.NOT_SUPPORTED, what + ": unknown auth challenge '" + challenge + "'");
        }
        Map<String, String> params = challengeParams(challenge);
        String realm = params.get("realm");
        if (realm == null) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, what + ": a Bearer challenge without realm: " + challenge);
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        String scope = params.getOrDefault("scope", "repository:" + ref.repository() + ":pull");
        url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        RegistryHttp.Response r = http.get(url.toString(), null, basic.map(c -> "Basic " + c).orElse(null));
        byte[] answer;
        try (InputStream in = r.body()) {
            answer = in.readNBytes((int) Manifests.MAX_JSON);
        }
        if (r.status() != 200) {
            throw new ContainerException(r.status() == 401 || r.status() == 403 ? ErrorKind.PERMISSION_DENIED
                    : ErrorKind.PLATFORM_FAILURE, what + ": token service " + realm + " answered HTTP " + r.status());
        }
        Json token = Manifests.parse(answer, what + " token");
        String t = token.path("token").asText(token.path("access_token").asText(""));
        if (t.isEmpty()) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, what + ": token service " + realm + " gave no token");
        }
        return "Bearer " + t;
    }

    static Map<String, String> challengeParams(String challenge) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        return params;
    }

    /** The base64 {@code user:password} for this registry from the Docker config, if it has one. */
    private Optional<String> credentials() throws IOException {
        if (dockerConfig == null || !Files.isRegularFile(dockerConfig)) {
            return Optional.empty();
        }
        Json auths = Manifests.parse(Files.readAllBytes(dockerConfig), "docker config " + dockerConfig).path("auths");
        String r = ref.registry();
        for (String key : new String[] {r, "https://" + r, "http://" + r, "https://" + r + "/v1/",
                r.equals(ImageReference.DEFAULT_REGISTRY) ? "https://index.docker.io/v1/" : r}) {
            Json entry = auths.path(key);
            if (entry.path("auth").isTextual()) {
                return Optional.of(entry.path("auth").asText());
            }
            if (entry.path("username").isTextual()) {
                String up = entry.path("username").asText() + ":" + entry.path("password").asText("");
                return Optional.of(Base64.getEncoder().encodeToString(up.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return Optional.empty();
    }
}
