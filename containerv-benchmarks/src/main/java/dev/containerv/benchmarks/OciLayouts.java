package dev.containerv.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Writes an OCI image layout from host trees (each an uncompressed tar made with the system's {@code tar}). */
final class OciLayouts {
    private OciLayouts() {
    }

    /** A layout at {@code layout} holding one image (tag {@code 1}) of {@code layersBottomFirst} that runs {@code cmd}. */
    static Path write(Path layout, List<Path> layersBottomFirst, List<String> cmd) throws IOException, InterruptedException {
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        List<String[]> layers = new ArrayList<>();
        for (Path dir : layersBottomFirst) {
            Path tar = layout.resolve("layer.tmp");
            Process p = new ProcessBuilder("tar", "--numeric-owner", "-C", dir.toString(), "-cf", tar.toString(), ".")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("tar of " + dir + " failed: " + out);
            }
            String hex;
            try (InputStream in = new DigestInputStream(Files.newInputStream(tar), sha256())) {
                in.transferTo(OutputStream.nullOutputStream());
                hex = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
            }
            long size = Files.size(tar);
            Files.move(tar, blobs.resolve(hex));
            layers.add(new String[] {hex, Long.toString(size)});
        }
        String arch = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
        String config = "{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{\"Cmd\":["
                + cmd.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(",")) + "]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + layers.stream().map(l -> "\"sha256:" + l[0] + "\"").collect(Collectors.joining(",")) + "]}}";
        String[] c = blob(blobs, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + c[0] + "\",\"size\":" + c[1] + "},\"layers\":["
                + layers.stream().map(l -> "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:" + l[0]
                + "\",\"size\":" + l[1] + "}").collect(Collectors.joining(",")) + "]}";
        String[] m = blob(blobs, manifest);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"sha256:" + m[0] + "\",\"size\":" + m[1] + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1\"}}]}");
        return layout;
    }

    private static String[] blob(Path blobs, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        String hex = HexFormat.of().formatHex(sha256().digest(bytes));
        Files.write(blobs.resolve(hex), bytes);
        return new String[] {hex, Integer.toString(bytes.length)};
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
