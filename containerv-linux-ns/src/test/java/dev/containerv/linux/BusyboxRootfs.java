package dev.containerv.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A minimal root file system for privileged tests: the host's static busybox with its applet links, and
 * an /etc with root, nobody and a test user.
 */
final class BusyboxRootfs {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxRootfs() {
    }

    static boolean available() {
        return Files.isExecutable(BUSYBOX);
    }

    static Path create(Path dir) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        List<String> applets = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor();
        for (String applet : applets) {
            if (!applet.equals("busybox") && !applet.contains("/")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        Files.createSymbolicLink(dir.resolve("sbin"), Path.of("bin"));
        Files.createDirectories(dir.resolve("usr"));
        Files.createSymbolicLink(dir.resolve("usr/bin"), Path.of("../bin"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                + "builder:x:1000:1000:builder:/home/builder:/bin/sh\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nnogroup:x:65534:\nbuilder:x:1000:\nwheel:x:10:builder\n");
        Files.writeString(etc.resolve("marker"), "base\n");
        Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(dir.resolve("home/builder"));
        Files.createDirectories(dir.resolve("tmp"));
        return dir;
    }
}
