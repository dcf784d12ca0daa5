package dev.containerv.cli;

import dev.containerv.testkit.Privileges;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Debian's {@code docker-registry} (the reference distribution registry) on a free loopback port, its data in a
 * directory of the test, and {@code skopeo} to push OCI layouts into it. Missing tools skip the test with the
 * reason, or fail it under {@code CONTAINERV_REQUIRE_PRIVILEGED=1}.
 */
final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final int port;

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static void requireTools(String... tools) {
        for (String tool : tools) {
            boolean found = false;
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
                found |= Files.isExecutable(Path.of(dir, tool));
            }
            if (!found) {
                String why = tool + " is not installed (apt-get install -y docker-registry skopeo)";
                if (Privileges.privilegedRequired()) {
                    fail(Privileges.REQUIRE_PRIVILEGED_ENV + "=1, so the registry tests must run: " + why);
                }
                abort(why);
            }
        }
    }

    /** Starts the registry with its storage under {@code dir} and waits until {@code /v2/} answers. */
    static LocalRegistry start(Path dir) throws IOException, InterruptedException {
        requireTools("docker-registry", "skopeo");
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        Path config = dir.resolve("registry.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data")
                + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        Process p = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                // HttpURLConnection: java.net.http is no module this one reads (the images module does not use it either).
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
                c.setConnectTimeout(2000);
                c.setReadTimeout(2000);
                try {
                    if (c.getResponseCode() == 200) {
                        return registry;
                    }
                } finally {
                    c.disconnect();
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                registry.close();
                fail("docker-registry did not come up on 127.0.0.1:" + port + ": " + Files.readString(dir.resolve("registry.log")));
            }
            Thread.sleep(100);
        }
    }

    /** Pushes the OCI layout's image tagged {@code 1} as {@code 127.0.0.1:PORT/<name>:1}; its reference. */
    String push(Path layout, String name) throws IOException, InterruptedException {
        String ref = "127.0.0.1:" + port + "/" + name + ":1";
        Process p = new ProcessBuilder("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "oci:" + layout + ":1", "docker://" + ref)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("skopeo copy to " + ref + " failed: " + out);
        }
        return ref;
    }

    /** Stops the registry (idempotent). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
