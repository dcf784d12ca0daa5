package dev.containerv.linux.helper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Shared facts for tests. */
public final class TestSupport {
    private TestSupport() {
    }

    /** The helper the build put into target/classes, or null when it was not built. */
    public static Path builtHelper() {
        Path p = Path.of("target/classes/dev/containerv/linux/native/linux-" + System.getProperty("os.arch") + "/containerv-helper");
        return Files.isExecutable(p) ? p.toAbsolutePath() : null;
    }

    /**
     * Another process holding a shared POSIX lock on {@code file} (as a supervisor holds its plan's, or another JVM
     * the helper cache's): python3 takes it, prints "locked", and holds it until its stdin closes, then exits.
     *
     * @param standsInFor what the holder stands in for, said when the test is skipped for want of python3
     */
    static Process sharedLockHolder(Path file, String standsInFor) throws IOException {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/python3")) || Files.isExecutable(Path.of("/bin/python3")))
                .as("python3 stands in for " + standsInFor).isTrue();
        Process p = new ProcessBuilder("python3", "-c", "import fcntl,sys\n"
                + "f=open(sys.argv[1],'rb')\nfcntl.lockf(f, fcntl.LOCK_SH)\nprint('locked', flush=True)\nsys.stdin.read()\n",
                file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(new String(p.getInputStream().readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("locked\n");
        return p;
    }
}
