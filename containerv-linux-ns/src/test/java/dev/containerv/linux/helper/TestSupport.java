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
     * The built helper, or the test stops: it fails when CONTAINERV_REQUIRE_PRIVILEGED is set (CI builds the helper, so
     * a missing one is a broken build there, never a skip), and is skipped otherwise (no C compiler).
     */
    public static Path requireBuiltHelper() {
        Path helper = builtHelper();
        if (helper == null) {
            if (dev.containerv.testkit.Privileges.privilegedRequired()) {
                org.junit.jupiter.api.Assertions.fail("the native helper is not built although CONTAINERV_REQUIRE_PRIVILEGED is set");
            }
            org.junit.jupiter.api.Assumptions.abort("the native helper is not built (no C compiler?)");
        }
        return helper;
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
