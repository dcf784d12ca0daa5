package dev.containerv.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * A minimal root file system made of the host's statically linked busybox and its applet links: the same tree for
 * the containerv benchmarks and for the crun, runc and bubblewrap runs of {@code compare.sh}, so every tool
 * starts the same {@code /bin/true}.
 *
 * <p>{@code java -cp benchmarks.jar dev.containerv.benchmarks.BusyboxRootfs DIR} builds one in {@code DIR}.
 */
public final class BusyboxRootfs {
    /** System property naming the busybox binary; default {@value #DEFAULT_BUSYBOX}. */
    public static final String BUSYBOX_PROPERTY = "containerv.bench.busybox";
    /** Where Debian's busybox-static puts it. */
    public static final String DEFAULT_BUSYBOX = "/bin/busybox";

    private static final int PT_INTERP = 3;

    private BusyboxRootfs() {
    }

    /** Builds a rootfs in {@code args[0]}, which must not exist yet or be empty. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: BusyboxRootfs DIR   (builds a busybox root file system in DIR)");
            System.exit(2);
        }
        create(Path.of(args[0]));
    }

    /** The busybox binary to use, after checking that it can run in an empty root. */
    static Path busybox() throws IOException {
        Path busybox = Path.of(System.getProperty(BUSYBOX_PROPERTY, DEFAULT_BUSYBOX));
        if (!Files.isExecutable(busybox)) {
            throw new IllegalStateException(busybox + " is not an executable file: install busybox-static (apt-get install -y busybox-static)"
                    + " or point -D" + BUSYBOX_PROPERTY + " at a statically linked busybox");
        }
        if (isDynamicallyLinked(busybox)) {
            throw new IllegalStateException(busybox + " is dynamically linked, so it cannot run in a root file system without its libraries:"
                    + " install busybox-static (apt-get install -y busybox-static) or point -D" + BUSYBOX_PROPERTY + " at a static one");
        }
        return busybox;
    }

    /** Creates the tree: /bin with busybox and its applets, /etc with root, and the usual empty mount points. */
    public static Path create(Path dir) throws IOException, InterruptedException {
        Path busybox = busybox();
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(busybox, bin.resolve("busybox"));
        Process list = new ProcessBuilder(busybox.toString(), "--list").redirectErrorStream(true).start();
        List<String> applets;
        try (InputStream in = list.getInputStream()) {
            applets = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        if (list.waitFor() != 0) {
            throw new IllegalStateException(busybox + " --list failed: " + applets);
        }
        for (String applet : applets) {
            if (!applet.equals("busybox") && !applet.isBlank() && !applet.contains("/")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        Files.createSymbolicLink(dir.resolve("sbin"), Path.of("bin"));
        Files.createDirectories(dir.resolve("usr"));
        Files.createSymbolicLink(dir.resolve("usr/bin"), Path.of("../bin"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\n");
        for (String d : List.of("root", "tmp", "proc", "sys", "dev")) {
            Files.createDirectories(dir.resolve(d));
        }
        return dir;
    }

    /** Removes a tree without following symlinks (the applet links point inside it, but never trust that). */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Whether the ELF file asks for a program interpreter (PT_INTERP), that is, needs ld.so and shared libraries. */
    static boolean isDynamicallyLinked(Path elf) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(elf)) {
            bytes = in.readNBytes(64 * 1024);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < 52 || b.getInt(0) != 0x7f454c46) {
            throw new IllegalStateException(elf + " is not an ELF executable");
        }
        boolean is64 = bytes[4] == 2;
        b.order(bytes[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long phoff = is64 ? b.getLong(0x20) : Integer.toUnsignedLong(b.getInt(0x1C));
        int phentsize = Short.toUnsignedInt(b.getShort(is64 ? 0x36 : 0x2A));
        int phnum = Short.toUnsignedInt(b.getShort(is64 ? 0x38 : 0x2C));
        for (int i = 0; i < phnum; i++) {
            long at = phoff + (long) i * phentsize;
            if (at + 4 > bytes.length) {
                throw new IllegalStateException(elf + ": program headers beyond the first 64 KiB; cannot tell whether it is static");
            }
            if (b.getInt((int) at) == PT_INTERP) {
                return true;
            }
        }
        return false;
    }
}
