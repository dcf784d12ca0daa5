package dev.containerv.benchmarks;

import dev.containerv.spi.FileTrees;
import dev.containerv.testkit.TestRootfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The root file system of the benchmarks: the testkit's {@link TestRootfs} built from the host's statically linked
 * busybox, the same tree for the containerv benchmarks and for the crun, runc and bubblewrap runs of
 * {@code compare.sh}, so every tool starts the same {@code /bin/true}. What this class adds is the check that the
 * busybox is static: the external tools get the tree as it is, and a dynamic busybox would need libraries
 * {@code compare.sh} does not give them.
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
    public static void main(String[] args) throws IOException {
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

    /** Builds the tree in {@code dir} with {@link TestRootfs#build(Path, Path)} from the checked static busybox. */
    public static Path create(Path dir) throws IOException {
        return TestRootfs.build(dir, busybox());
    }

    /** Removes the tree with {@link FileTrees#deleteTree}, which never follows its links. */
    public static void delete(Path dir) throws IOException {
        FileTrees.deleteTree(dir);
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
