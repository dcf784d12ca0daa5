package dev.containerv.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Images the CLI tests build themselves from host directories: each layer is an uncompressed tar made with the
 * system's {@code tar} (numeric owners, so device nodes and owners survive), written as an OCI image layout or as
 * a {@code docker save} archive.
 */
final class TestImages {
    /** What the image's configuration says about running it. */
    record RunConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {
        static RunConfig of(List<String> cmd) {
            return new RunConfig(List.of(), cmd, List.of(), "", "");
        }
    }

    /** A blob: its digest hex and size. */
    private record Blob(String hex, long size) {
    }

    private TestImages() {
    }

    /** An OCI image layout at {@code layout} (tag {@code 1}) whose layers are the trees {@code layersBottomFirst}. */
    static Path ociLayout(Path layout, List<Path> layersBottomFirst, RunConfig run) throws IOException, InterruptedException {
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        List<Blob> layers = new ArrayList<>();
        for (Path dir : layersBottomFirst) {
            Path tar = layout.resolve("layer.tmp");
            tar(dir, tar);
            Blob b = blob(tar);
            Files.move(tar, blobs.resolve(b.hex));
            layers.add(b);
        }
        Blob config = store(blobs, config(layers, run).getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + config.hex + "\",\"size\":" + config.size + "},"
                + "\"layers\":[" + layers.stream().map(l -> "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:"
                + l.hex + "\",\"size\":" + l.size + "}").collect(Collectors.joining(",")) + "]}";
        Blob m = store(blobs, manifest.getBytes(StandardCharsets.UTF_8));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + m.hex + "\",\"size\":" + m.size
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1\"}}]}");
        return layout;
    }

    /** A {@code docker save} archive at {@code archive} with the same content as {@link #ociLayout}. */
    static Path dockerArchive(Path archive, Path work, List<Path> layersBottomFirst, RunConfig run) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work);
        List<Blob> layers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path layer : layersBottomFirst) {
            Path tar = dir.resolve("layer.tmp");
            tar(layer, tar);
            Blob b = blob(tar);
            Files.createDirectories(dir.resolve(b.hex));
            Files.move(tar, dir.resolve(b.hex).resolve("layer.tar"));
            layers.add(b);
            names.add(b.hex + "/layer.tar");
        }
        byte[] config = config(layers, run).getBytes(StandardCharsets.UTF_8);
        String configName = blob(config).hex + ".json";
        Files.write(dir.resolve(configName), config);
        Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"test/archive:1\"],\"Layers\":["
                + names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(",")) + "]}]");
        List<String> command = new ArrayList<>(List.of("tar", "-C", dir.toString(), "-cf", archive.toString(), "manifest.json", configName));
        command.addAll(names);
        run(command);
        return archive;
    }

    private static String config(List<Blob> layers, RunConfig run) {
        return "{\"architecture\":\"" + arch() + "\",\"os\":\"linux\",\"config\":{"
                + "\"Entrypoint\":" + json(run.entrypoint()) + ",\"Cmd\":" + json(run.cmd()) + ",\"Env\":" + json(run.env())
                + ",\"WorkingDir\":\"" + run.workingDir() + "\",\"User\":\"" + run.user() + "\"},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + layers.stream().map(l -> "\"sha256:" + l.hex + "\"").collect(Collectors.joining(","))
                + "]}}";
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("x86_64") || a.equals("amd64") ? "amd64" : a.equals("aarch64") ? "arm64" : a;
    }

    private static String json(List<String> values) {
        return values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    private static void tar(Path dir, Path out) throws IOException, InterruptedException {
        // No atime or ctime in the PAX headers: the same tree gives the same layer digest every time.
        run(List.of("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--pax-option=delete=atime,delete=ctime", "--sort=name",
                "-C", dir.toString(), "-cf", out.toString(), "."));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static Blob store(Path blobs, byte[] content) throws IOException {
        Blob b = blob(content);
        Files.write(blobs.resolve(b.hex), content);
        return b;
    }

    private static Blob blob(Path file) throws IOException {
        try (var in = new java.security.DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new Blob(HexFormat.of().formatHex(in.getMessageDigest().digest()), Files.size(file));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Blob blob(byte[] content) {
        try {
            return new Blob(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), content.length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
