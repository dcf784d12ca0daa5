package dev.containerv.images.internal;

import dev.containerv.api.ContainerException;
import dev.containerv.api.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * GET requests to a registry with the JDK's {@link HttpURLConnection}: blocking reads straight from the socket, one
 * keep-alive connection per thread that streams a layer. (The JDK's {@code java.net.http.HttpClient} hands a body
 * over in 16 KiB buffers through its selector thread; measured on loopback it took four times as long for a 32 MB
 * download in a fresh JVM, most of it compiling its asynchronous pipeline, which dominated a pull.)
 *
 * <p>Redirects (registries send blobs to a storage host) are followed here, at most five: the
 * {@code Authorization} header goes only to the registry's own scheme, host and port, never to the host a redirect
 * names, and a redirect from HTTPS to plain HTTP is refused.
 */
final class RegistryHttp {
    private static final int MAX_REDIRECTS = 5;
    private final Duration timeout;

    /**
     * @param timeout how long connecting and each read may take
     */
    RegistryHttp(Duration timeout) {
        this.timeout = timeout;
    }

    /** A response: its status, headers and body (the error body for a status of 400 and above). */
    record Response(int status, Map<String, java.util.List<String>> headers, InputStream body) {
        Optional<String> header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return Optional.of(e.getValue().get(0));
                }
            }
            return Optional.empty();
        }

        /** Closes the body, reading what is left of a small one so the connection can be reused. */
        void discard() throws IOException {
            if (body != null) {
                try (InputStream in = body) {
                    in.readNBytes(64 * 1024);
                }
            }
        }
    }

    /**
     * @param url           the URL
     * @param accept        the Accept header, or null
     * @param authorization the Authorization header for the registry, or null
     * @return the response after redirects; its body must be closed
     * @throws IOException when the request fails
     */
    Response get(String url, String accept, String authorization) throws IOException {
        URI origin = URI.create(url);
        URI uri = origin;
        for (int hop = 0; ; hop++) {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setUseCaches(false);
            if (accept != null) {
                c.setRequestProperty("Accept", accept);
            }
            if (authorization != null && sameOrigin(origin, uri)) {
                c.setRequestProperty("Authorization", authorization);
            }
            int status;
            try {
                status = c.getResponseCode();
            } catch (IOException e) {
                throw new IOException("GET " + uri + ": " + e, e);
            }
            if (status >= 300 && status < 400 && status != 304) {
                String location = c.getHeaderField("Location");
                InputStream ignored = c.getErrorStream() != null ? c.getErrorStream() : safeInput(c);
                new Response(status, Map.of(), ignored).discard();
                if (location == null) {
                    throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "GET " + uri + " answered HTTP " + status
                            + " without a Location");
                }
                if (hop == MAX_REDIRECTS) {
                    throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "GET " + url + ": more than "
                            + MAX_REDIRECTS + " redirects");
                }
                URI next = resolve(uri, location);
                if ("https".equals(uri.getScheme()) && !"https".equals(next.getScheme())) {
                    throw new ContainerException(ErrorKind.PERMISSION_DENIED, "GET " + uri + " redirects to "
                            + next + ", from HTTPS to " + next.getScheme() + "; refused");
                }
                uri = next;
                continue;
            }
            InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
            return new Response(status, c.getHeaderFields(), body != null ? body : InputStream.nullInputStream());
        }
    }

    private static InputStream safeInput(HttpURLConnection c) {
        try {
            return c.getInputStream();
        } catch (IOException e) {
            return null;
        }
    }

    private static URI resolve(URI base, String location) {
        try {
            return base.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new ContainerException(ErrorKind.PLATFORM_FAILURE, "GET " + base + " redirects to '" + location
                    + "', which is not a URL", e);
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }
}
